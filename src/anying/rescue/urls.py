from django.urls import path

from . import views

urlpatterns = [
    path("teams/", views.team_list, name="rescue_team_list"),
    path("teams/new/", views.team_new, name="rescue_team_new"),
    path("teams/<int:pk>/", views.team_detail, name="rescue_team_detail"),
    path("teams/<int:pk>/edit/", views.team_edit, name="rescue_team_edit"),
    path("teams/<int:pk>/members/", views.member_add, name="rescue_member_add"),
    path("teams/<int:pk>/certificates/", views.certificate_add, name="rescue_certificate_add"),
    path("teams/<int:pk>/equipment/", views.team_equipment, name="rescue_team_equipment"),
    path("standby/", views.standby, name="rescue_standby"),
    path("standby/report/", views.standby_report, name="rescue_standby_report"),
    path("training/", views.training, name="rescue_training"),
    path("overview/", views.overview, name="rescue_overview"),
    path("catalogue/", views.catalogue, name="rescue_catalogue"),
    path("import/", views.import_page, name="rescue_import"),
    path("experts/", views.expert_list, name="rescue_expert_list"),
    path("experts/new/", views.expert_new, name="rescue_expert_new"),
    path("experts/<int:pk>/", views.expert_detail, name="rescue_expert_detail"),
    path("experts/<int:pk>/edit/", views.expert_edit, name="rescue_expert_edit"),
    path("experts/<int:pk>/avoid/", views.expert_avoid, name="rescue_expert_avoid"),
    path("experts/<int:pk>/avoid/<int:enterprise_id>/remove/", views.expert_unavoid, name="rescue_expert_unavoid"),
    path("pick/enterprise/", views.pick_enterprise, name="rescue_pick_enterprise"),
    path("inspections/<int:inspection_id>/experts/", views.inspection_experts, name="rescue_inspection_experts"),
    path("visits/", views.visit_list, name="rescue_visit_list"),
    path("visits/new/", views.visit_new, name="rescue_visit_new"),
    path("visits/<int:pk>/", views.visit_detail, name="rescue_visit_detail"),
    path("visits/<int:pk>/files/<int:attachment_id>/", views.visit_file, name="rescue_visit_file"),
]
