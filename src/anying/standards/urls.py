from django.urls import path

from . import views

urlpatterns = [
    path("criteria/", views.criteria_list, name="criteria_list"),
    path("criteria/<slug:code>/", views.criteria_detail, name="criteria_detail"),
]
