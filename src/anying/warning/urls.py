from django.urls import path

from . import views, views_public

app_name = "warning"
urlpatterns = [
    path("", views.warning_list, name="list"),
    path("new/", views.warning_new, name="new"),
    path("import/", views.warning_import, name="import"),
    path("calls/", views.call_list, name="calls"),
    path("calls/<int:pk>/", views.call_done, name="call_done"),
    path("contacts/", views.contact_list, name="contacts"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/<int:pk>/", views.contact_edit, name="contact_edit"),
    path("measures/<int:pk>/", views.measure_report, name="measure_report"),
    path("feed.xml", views_public.feed, name="feed"),
    path("public/<str:number>/", views_public.public_page, name="public"),
    path("public/<str:number>.xml", views_public.public_cap, name="public_cap"),
    path("<int:pk>/", views.warning_detail, name="detail"),
    path("<int:pk>/edit/", views.warning_edit, name="edit"),
    path("<int:pk>/act/", views.warning_act, name="act"),
    path("<int:pk>/cap.xml", views.warning_cap, name="cap"),
    path("<int:pk>/follow-up/<str:msg_type>/", views.warning_follow_up, name="follow_up"),
    path("<int:pk>/recipients/<int:rid>/ack/", views.recipient_ack, name="ack_for"),
]
