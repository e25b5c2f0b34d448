from django.urls import path

from . import views

urlpatterns = [
    path("", views.session_list, name="training_list"),
    path("new/", views.session_new, name="training_new"),
    path("<int:pk>/", views.session_detail, name="training_session"),
    path("people/", views.trainee_list, name="trainee_list"),
    path("people/new/", views.trainee_new, name="trainee_new"),
    path("people/<int:pk>/", views.trainee_detail, name="trainee_detail"),
    path("plans/<int:enterprise_id>/", views.plan, name="training_plan"),
    path("coverage/", views.coverage, name="training_coverage"),
]
