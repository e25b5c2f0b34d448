from django.urls import path

from . import views

urlpatterns = [
    path("", views.hazard_list, name="hazard_list"),
    path("todo/", views.todo_list, name="hazard_todo"),
    path("export/", views.hazard_export, name="hazard_export"),
    path("issues/", views.issue_list, name="hazard_issue_list"),
    path("new/<int:enterprise_id>/", views.hazard_create, name="hazard_create"),
    path("<int:pk>/", views.hazard_detail, name="hazard_detail"),
    path("<int:pk>/do/<slug:name>/", views.hazard_transition, name="hazard_transition"),
    path("<int:pk>/extension/", views.extension_request, name="hazard_extension"),
    path("<int:pk>/extension/<int:extension_id>/answer/", views.extension_answer, name="hazard_extension_answer"),
    path("<int:pk>/supervise/", views.supervise, name="hazard_supervise"),
    path("<int:pk>/progress/", views.progress, name="hazard_progress"),
    path("<int:pk>/supervision.docx", views.supervision_letter, name="hazard_supervision_letter"),
    path("<int:pk>/files/<int:attachment_id>/", views.hazard_file, name="hazard_file"),
]
