from django.urls import path

from . import public, views

urlpatterns = [
    # public (no login)
    path("report/", public.new, name="tip_new"),
    path("report/done/", public.receipt, name="tip_receipt"),
    path("report/enterprises/", public.enterprise_search, name="tip_enterprise_search"),
    path("report/qr.svg", public.qr, name="tip_qr"),
    path("status/", public.status, name="tip_status"),
    # staff
    path("", views.tip_list, name="tip_list"),
    path("phone/", views.tip_phone, name="tip_phone"),
    path("stats/", views.tip_stats, name="tip_stats"),
    path("poster/", views.tip_poster, name="tip_poster"),
    path("rules/", views.tip_rules, name="tip_rules"),
    path("<int:pk>/", views.tip_detail, name="tip_detail"),
    path("<int:pk>/step/<str:name>/", views.tip_step, name="tip_step"),
    path("<int:pk>/enterprise/", views.tip_enterprise, name="tip_enterprise"),
    path("<int:pk>/hazard/", views.tip_hazard, name="tip_hazard"),
    path("<int:pk>/link/", views.tip_link, name="tip_link"),
    path("<int:pk>/reward/<str:action>/", views.tip_reward, name="tip_reward"),
    path("<int:pk>/files/<int:attachment_id>/", views.tip_file, name="tip_file"),
]
