from django.urls import path

from . import views

urlpatterns = [
    path("installations/", views.installation_list, name="installation_list"),
    path("installations/<int:pk>/", views.installation_detail, name="installation_detail"),
    path("installations/<int:pk>/edit/", views.installation_edit, name="installation_edit"),
    path("enterprises/<int:enterprise_id>/installations/new/", views.installation_edit, name="installation_new"),
]
