from django.urls import path

from . import views, views_baobao

urlpatterns = [
    path("installations/", views.installation_list, name="installation_list"),
    path("installations/<int:pk>/", views.installation_detail, name="installation_detail"),
    path("installations/<int:pk>/edit/", views.installation_edit, name="installation_edit"),
    path("installations/<int:pk>/guarantors/<str:kind>/", views_baobao.guarantor_edit, name="guarantor_edit"),
    path("enterprises/<int:enterprise_id>/installations/new/", views.installation_edit, name="installation_new"),
    path("guarantors/", views_baobao.guarantor_list, name="guarantor_list"),
    path("guarantors/<int:pk>/records/new/", views_baobao.duty_record_new, name="duty_record_new"),
    path("duty-records/<int:pk>/", views_baobao.duty_record_detail, name="duty_record_detail"),
    path("duty-records/<int:pk>/hazard/", views_baobao.duty_record_hazard, name="duty_record_hazard"),
    path("duty-records/<int:pk>/files/<int:attachment_id>/", views_baobao.duty_record_file, name="duty_record_file"),
]
