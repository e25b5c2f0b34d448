from django.urls import path

from . import views, views_evacuations, views_patrols, views_public

urlpatterns = [
    path("points/", views.point_list, name="riskpoint_list"),
    path("points/new/", views.point_edit, name="riskpoint_new"),
    path("points/<int:pk>/", views.point_detail, name="riskpoint_detail"),
    path("points/<int:pk>/edit/", views.point_edit, name="riskpoint_edit"),
    path("points/<int:pk>/act/", views.point_act, name="riskpoint_act"),
    path("points/<int:pk>/plan/", views.plan_edit, name="riskpoint_plan"),
    path("points/<int:pk>/households/new/", views.household_edit, name="riskpoint_household_new"),
    path("points/<int:pk>/households/<int:household_id>/", views.household_edit, name="riskpoint_household_edit"),
    path("points/<int:pk>/households/<int:household_id>/delete/", views.household_delete,
         name="riskpoint_household_delete"),
    path("points/<int:pk>/placard/", views.placard, name="riskpoint_placard"),
    path("points/<int:pk>/qr.svg", views.placard_qr, name="riskpoint_qr"),
    path("points/<int:pk>/evacuate/", views.evacuation_start, name="evacuation_start"),
    path("points/<int:pk>/patrols/", views.patrols_ensure, name="riskpoint_patrols"),
    path("findings/<int:pk>/act/", views.finding_act, name="finding_act"),
    path("evacuations/", views_evacuations.evacuation_list, name="evacuation_list"),
    path("evacuations/<int:pk>/", views_evacuations.evacuation_detail, name="evacuation_detail"),
    path("evacuations/<int:pk>/confirm/", views_evacuations.evacuation_confirm, name="evacuation_confirm"),
    path("evacuations/<int:pk>/act/", views_evacuations.evacuation_act, name="evacuation_act"),
    path("patrols/", views_patrols.board, name="patrol_board"),
    path("patrols/<int:pk>/round/", views_patrols.round_new, name="patrol_round"),
    path("rain-checks/<int:pk>/", views_patrols.rain_check, name="rain_check"),
    path("p/<str:token>/", views_public.public_list, name="riskpoint_public"),
]
