from django.urls import path

from . import views

urlpatterns = [
    path("", views.incident_list, name="incident_list"),
    path("new/", views.incident_new, name="incident_new"),
    path("enterprises/", views.enterprise_search, name="incident_enterprise_search"),
    path("quality/", views.incident_quality, name="incident_quality"),
    path("quality/docx/", views.incident_quality_docx, name="incident_quality_docx"),
    path("rules/", views.rules_page, name="incident_rules"),
    path("rules/desk/", views.desk_setting, name="incident_desk_setting"),
    path("<int:pk>/", views.incident_detail, name="incident_detail"),
    path("<int:pk>/edit/", views.incident_edit, name="incident_edit"),
    path("<int:pk>/report/", views.incident_report, name="incident_report"),
    path("<int:pk>/step/", views.incident_step, name="incident_step"),
    path("<int:pk>/verify/", views.incident_verify, name="incident_verify"),
    path("<int:pk>/merge/", views.incident_merge, name="incident_merge"),
    path("<int:pk>/dismiss/", views.incident_dismiss, name="incident_dismiss"),
    path("<int:pk>/flag/", views.incident_flag, name="incident_flag"),
    path("reports/<int:pk>/", views.report_detail, name="incident_report_detail"),
    path("reports/<int:pk>/receive/", views.report_receive, name="incident_report_receive"),
    path("flags/<int:pk>/withdraw/", views.flag_withdraw, name="incident_flag_withdraw"),
]
