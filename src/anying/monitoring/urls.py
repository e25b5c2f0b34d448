from django.urls import path

from . import views, views_alarms, views_baobao, views_boards, views_sensors

urlpatterns = [
    path("installations/", views.installation_list, name="installation_list"),
    path("installations/<int:pk>/", views.installation_detail, name="installation_detail"),
    path("installations/<int:pk>/edit/", views.installation_edit, name="installation_edit"),
    path("installations/<int:installation_id>/sensors/new/", views_sensors.sensor_edit, name="sensor_new"),
    path("enterprises/<int:enterprise_id>/installations/new/", views.installation_edit, name="installation_new"),
    path("enterprises/<int:enterprise_id>/board/", views_boards.enterprise_board, name="monitoring_enterprise_board"),
    path("enterprises/<int:enterprise_id>/devices/", views_sensors.device_list, name="monitoring_devices"),
    path("devices/<int:pk>/toggle/", views_sensors.device_toggle, name="monitoring_device_toggle"),
    path("sensors/<int:pk>/", views_boards.sensor_detail, name="sensor_detail"),
    path("sensors/<int:pk>/edit/", views_sensors.sensor_edit, name="sensor_edit"),
    path("sensors/<int:pk>/series/", views_boards.sensor_series, name="sensor_series"),
    path("sensors/<int:pk>/rules/", views_sensors.rule_add, name="sensor_rule_add"),
    path("rules/<int:pk>/toggle/", views_sensors.rule_toggle, name="sensor_rule_toggle"),
    path("board/", views_boards.board, name="monitoring_board"),
    path("coverage/", views_boards.coverage, name="monitoring_coverage"),
    path("alarms/", views_alarms.alarm_list, name="alarm_list"),
    path("alarms/<int:pk>/", views_alarms.alarm_detail, name="alarm_detail"),
    path("alarms/<int:pk>/act/", views_alarms.alarm_act, name="alarm_act"),
    path("alarms/<int:pk>/incident/", views_alarms.alarm_to_incident, name="alarm_to_incident"),
    path("alarms/<int:pk>/hazard/", views_alarms.alarm_to_hazard, name="alarm_to_hazard"),
    path("alarms/<int:pk>/files/<int:attachment_id>/", views_alarms.alarm_file, name="alarm_file"),
    path("installations/<int:pk>/guarantors/<str:kind>/", views_baobao.guarantor_edit, name="guarantor_edit"),
    path("guarantors/", views_baobao.guarantor_list, name="guarantor_list"),
    path("guarantors/<int:pk>/records/new/", views_baobao.duty_record_new, name="duty_record_new"),
    path("duty-records/<int:pk>/", views_baobao.duty_record_detail, name="duty_record_detail"),
    path("duty-records/<int:pk>/hazard/", views_baobao.duty_record_hazard, name="duty_record_hazard"),
    path("duty-records/<int:pk>/files/<int:attachment_id>/", views_baobao.duty_record_file, name="duty_record_file"),
]
