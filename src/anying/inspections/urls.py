from django.urls import path

from . import views

urlpatterns = [
    path("inspectors/", views.inspector_list, name="inspector_list"),
    path("inspectors/new/", views.inspector_create, name="inspector_create"),
    path("inspectors/<int:pk>/", views.inspector_detail, name="inspector_detail"),
    path("inspectors/<int:pk>/edit/", views.inspector_edit, name="inspector_edit"),
    path("inspectors/<int:pk>/exclusions/", views.exclusion_add, name="exclusion_add"),
    path("inspectors/<int:pk>/exclusions/<int:exclusion_id>/lift/", views.exclusion_lift, name="exclusion_lift"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/generate/", views.plan_generate, name="plan_generate"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/move/<int:enterprise_id>/", views.plan_move, name="plan_move"),
    path("plans/<int:pk>/remove/<int:enterprise_id>/", views.plan_remove, name="plan_remove"),
    path("plans/<int:pk>/add/", views.plan_add, name="plan_add"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("draws/", views.draw_list, name="draw_list"),
    path("draws/new/", views.draw_create, name="draw_create"),
    path("draws/<int:pk>/", views.draw_detail, name="draw_detail"),
    path("public/draws/<str:token>/", views.draw_public, name="draw_public"),
    path("", views.inspection_list, name="inspection_list"),
    path("new/<int:enterprise_id>/", views.inspection_create, name="inspection_create"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<int:pk>/review/", views.inspection_review, name="inspection_review"),
    path("<int:pk>/documents/<int:document_id>.docx", views.document_download, name="inspection_document"),
    path("<int:inspection_id>/penalty/", views.penalty_create, name="penalty_create"),
    path("penalties/", views.penalty_list, name="penalty_list"),
    path("penalties/<int:pk>/", views.penalty_detail, name="penalty_detail"),
    path("penalties/<int:pk>/do/<slug:action>/", views.penalty_action, name="penalty_action"),
    path("penalties/<int:pk>/documents/<int:document_id>.docx", views.penalty_document, name="penalty_document"),
    path("intensity/", views.intensity_report, name="intensity_report"),
]
