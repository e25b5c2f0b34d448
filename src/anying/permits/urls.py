from django.urls import path

from . import views

urlpatterns = [
    path("", views.permit_list, name="permit_list"),
    path("open/", views.permit_open, name="permit_open"),
    path("new/", views.permit_edit, name="permit_new"),
    path("rules/", views.permit_rules, name="permit_rules"),
    path("<int:pk>/", views.permit_detail, name="permit_detail"),
    path("<int:pk>/edit/", views.permit_edit, name="permit_edit"),
    path("<int:pk>/analysis/", views.permit_analysis, name="permit_analysis"),
    path("<int:pk>/act/", views.permit_act, name="permit_act"),
    path("<int:pk>/print/", views.permit_print, name="permit_print"),
]
