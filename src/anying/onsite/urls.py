from django.urls import path

from . import views

urlpatterns = [
    path("", views.month_table, name="onsite_months"),
    path("days/", views.day_list, name="onsite_days"),
    path("meetings/", views.meeting_list, name="onsite_meetings"),
    path("meetings/new/", views.meeting_new, name="onsite_meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="onsite_meeting"),
    path("meetings/<int:pk>/files/<int:attachment_id>/", views.meeting_file, name="onsite_meeting_file"),
]
