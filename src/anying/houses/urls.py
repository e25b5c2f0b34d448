from django.urls import path

from . import views

urlpatterns = [
    path("", views.house_list, name="house_list"),
    path("new/", views.house_edit, name="house_new"),
    path("standards/", views.standard_list, name="house_standards"),
    path("<int:pk>/", views.house_detail, name="house_detail"),
    path("<int:pk>/edit/", views.house_edit, name="house_edit"),
    path("<int:pk>/plan/", views.house_plan, name="house_plan"),
    path("<int:pk>/act/", views.house_act, name="house_act"),
    path("<int:pk>/photos/<int:attachment_id>/", views.house_photo, name="house_photo"),
]
