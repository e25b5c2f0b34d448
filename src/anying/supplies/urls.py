from django.urls import path

from . import views

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
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/new/", views.transfer_new, name="transfer_new"),
    path("transfers/<int:pk>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/act/", views.transfer_act, name="transfer_act"),
]
