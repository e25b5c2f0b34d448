from django.urls import path

from . import risk_views, std_views, views

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
    path("<int:pk>/risks/", risk_views.enterprise_risks, name="enterprise_risks"),
    path("<int:pk>/risks/new/", risk_views.risk_point_edit, name="risk_point_create"),
    path("<int:pk>/risks/<int:point_id>/", risk_views.risk_point_edit, name="risk_point_edit"),
    path("<int:pk>/risks/<int:point_id>/retire/", risk_views.risk_point_retire, name="risk_point_retire"),
    path("<int:pk>/risks/areas/<int:area_id>/", risk_views.risk_area_edit, name="risk_area_edit"),
    path("risks/", risk_views.risk_list, name="risk_list"),
    path("risks/settings/", risk_views.risk_config, name="risk_config"),
    path("standardization/", std_views.standardization_report, name="standardization_report"),
    path("standardization/below/", std_views.standardization_below, name="standardization_below"),
    path("standardization/targets/", std_views.standardization_targets, name="standardization_targets"),
]
