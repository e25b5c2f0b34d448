from django.urls import path

from . import views

app_name = "stoppages"

urlpatterns = [
    path("", views.stoppage_list, name="list"),
    path("new/<int:enterprise_id>/", views.stoppage_new, name="new"),
    path("<int:pk>/", views.stoppage_detail, name="detail"),
    path("<int:pk>/act/", views.stoppage_act, name="act"),
    path("<int:pk>/files/<int:attachment_id>/", views.stoppage_file, name="file"),
]
