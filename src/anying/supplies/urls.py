from django.urls import path

from . import planning_views, round_views, views

app_name = "supplies"

urlpatterns = [
    path("", views.warehouse_list, name="warehouse_list"),
    path("warehouses/new/", views.warehouse_edit, name="warehouse_new"),
    path("warehouses/<int:pk>/", views.warehouse_detail, name="warehouse_detail"),
    path("warehouses/<int:pk>/edit/", views.warehouse_edit, name="warehouse_edit"),
    path("warehouses/<int:pk>/minimums/", views.minimum_edit, name="minimum_edit"),
    path("warehouses/<int:pk>/ledger/", views.ledger, name="ledger"),
    path("import/", views.import_page, name="import"),
    path("balances/", views.balance_list, name="balance_list"),
    path("balances/<int:pk>/", views.item_balance, name="item_balance"),
    path("nearby/", views.nearby, name="nearby"),
    path("documents/", views.document_list, name="document_list"),
    path("documents/new/", views.document_new, name="document_new"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/post/", views.document_post, name="document_post"),
    path("documents/<int:pk>/reverse/", views.document_reverse, name="document_reverse"),
    path("documents/<int:pk>/discard/", views.document_discard, name="document_discard"),
    path("demand/", planning_views.demand_list, name="demand_list"),
    path("demand/new/", planning_views.demand_new, name="demand_new"),
    path("demand/summary/", planning_views.demand_summary, name="demand_summary"),
    path("demand/<int:pk>/", planning_views.demand_detail, name="demand_detail"),
    path("demand/<int:pk>/edit/", planning_views.demand_edit, name="demand_edit"),
    path("demand/<int:pk>/act/", planning_views.demand_act, name="demand_act"),
    path("maintenance/", planning_views.maintenance_list, name="maintenance_list"),
    path("warehouses/<int:pk>/maintenance/new/", planning_views.maintenance_new, name="maintenance_new"),
    path("maintenance/<int:pk>/edit/", planning_views.maintenance_edit, name="maintenance_edit"),
    path("publicity/", planning_views.publicity_list, name="publicity_list"),
    path("publicity/new/", planning_views.publicity_new, name="publicity_new"),
    path("publicity/<int:pk>/edit/", planning_views.publicity_edit, name="publicity_edit"),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/new/", views.transfer_new, name="transfer_new"),
    path("transfers/<int:pk>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/act/", views.transfer_act, name="transfer_act"),
    # 日周月检查 (round_views.py)
    path("checks/", round_views.check_list, name="check_list"),
    path("checks/schedules/<int:schedule_id>/round/", round_views.round_create, name="check_round_new"),
    path("checks/schedules/<int:pk>/edit/", round_views.schedule_edit, name="check_schedule_edit"),
    path("checks/rounds/<int:pk>/", round_views.round_detail, name="check_round"),
    path("warehouses/<int:pk>/checks/defaults/", round_views.defaults, name="check_defaults"),
]
