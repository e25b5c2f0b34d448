from django.urls import path

from . import self_inspection_views as si
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
    path("<int:pk>/letters/<int:step_id>.docx", views.overdue_letter, name="hazard_overdue_letter"),
    path("<int:pk>/files/<int:attachment_id>/", views.hazard_file, name="hazard_file"),
    path("checklists/", si.checklist_list, name="checklist_list"),
    path("checklists/new/", si.checklist_create, name="checklist_create"),
    path("checklists/from-criteria/", si.checklist_from_criteria, name="checklist_from_criteria"),
    path("checklists/<int:pk>/", si.checklist_detail, name="checklist_detail"),
    path("checklists/<int:pk>/edit/", si.checklist_edit, name="checklist_edit"),
    path("checklists/<int:pk>/<slug:action>/", si.checklist_action, name="checklist_action"),
    path("self-inspection/", si.overview, name="self_inspection_overview"),
    path("self-inspection/enterprise/<int:enterprise_id>/", si.enterprise_page, name="self_inspection_enterprise"),
    path("self-inspection/enterprise/<int:enterprise_id>/generate/", si.generate, name="self_inspection_generate"),
    path("self-inspection/schedules/<int:pk>/", si.schedule_edit, name="schedule_edit"),
    path("self-inspection/schedules/<int:schedule_id>/round/", si.round_create, name="round_create"),
    path("self-inspection/rounds/<int:pk>/", si.round_detail, name="self_inspection_round"),
]
