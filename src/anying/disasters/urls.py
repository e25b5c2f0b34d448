from django.urls import path

from . import views, views_registers

app_name = "disasters"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_new, name="new"),
    path("zero/", views.zero_reports, name="zero"),
    path("<int:pk>/", views.event_detail, name="event"),
    path("<int:pk>/act/", views.event_act, name="event_act"),
    path("<int:pk>/village/", views.village_return, name="village"),
    path("<int:pk>/towns/<int:town_pk>/report/", views.report_start, name="report_start"),
    path("<int:pk>/summary.xlsx", views.event_export, name="export"),
    path("<int:pk>/circular.docx", views.event_circular, name="circular"),
    path("<int:pk>/casualties/", views_registers.casualties, name="casualties"),
    path("<int:pk>/relief/", views_registers.relief, name="relief"),
    path("<int:pk>/relief/stays/", views_registers.stay_add, name="stay_add"),
    path("<int:pk>/relief/stays/<int:stay_pk>/end/", views_registers.stay_end, name="stay_end"),
    path("<int:pk>/relief/checks/", views_registers.check_add, name="check_add"),
    path("<int:pk>/relief/aid/", views_registers.aid_add, name="aid_add"),
    path("<int:pk>/relief/aid/<int:aid_pk>/delivered/", views_registers.aid_deliver, name="aid_deliver"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/act/", views.report_act, name="report_act"),
    path("reports/<int:pk>/photos/<int:attachment_id>/", views.report_photo, name="report_photo"),
    path("returns/<int:pk>/photos/<int:attachment_id>/", views.return_photo, name="return_photo"),
]
