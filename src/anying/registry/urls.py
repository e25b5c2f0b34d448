from django.urls import path

from . import views

urlpatterns = [
    path("", views.enterprise_list, name="enterprise_list"),
    path("export/", views.enterprise_export, name="enterprise_export"),
    path("import/", views.enterprise_import, name="enterprise_import"),
    path("import/template/", views.enterprise_template, name="enterprise_template"),
    path("new/", views.enterprise_create, name="enterprise_create"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("<int:pk>/account/", views.account_open, name="enterprise_account_open"),
    path("<int:pk>/sign/", views.public_sign, name="enterprise_public_sign"),
    path("<int:pk>/qr.png", views.public_qr, name="enterprise_qr"),
    path("<int:pk>/<str:kind>/save/", views.detail_save, name="enterprise_detail_save"),
    path("<int:pk>/<str:kind>/<int:item>/remove/", views.detail_remove, name="enterprise_detail_remove"),
    path("<int:pk>/posts/<int:post_id>/card/", views.card_save, name="enterprise_card_save"),
    path("<int:pk>/files/<int:attachment_id>/", views.card_file, name="enterprise_card_file"),
    path("public/<str:token>/", views.public_page, name="enterprise_public"),
]
