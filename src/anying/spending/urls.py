from django.urls import path

from . import views

app_name = "spending"
urlpatterns = [
    path("", views.ledger_list, name="list"),
    path("new/", views.ledger_edit, name="new"),
    path("standards/", views.standards, name="standards"),
    path("<int:pk>/", views.ledger_detail, name="detail"),
    path("<int:pk>/edit/", views.ledger_edit, name="edit"),
    path("entries/<int:pk>/vouchers/<int:attachment_id>/", views.voucher, name="voucher"),
]
