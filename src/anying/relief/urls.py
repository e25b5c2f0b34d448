from django.urls import path

from . import views, views_money, views_public

app_name = "relief"
urlpatterns = [
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/act/", views.application_act, name="application_act"),
    path("applications/<int:pk>/objections/", views.objection_new, name="objection_new"),
    path("applications/<int:pk>/files/<int:attachment_id>/", views.application_file, name="application_file"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("minutes/new/", views.minutes_new, name="minutes_new"),
    path("minutes/<int:pk>/files/<int:attachment_id>/", views.minutes_file, name="minutes_file"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_edit, name="round_new"),
    path("rounds/<int:pk>/", views.round_edit, name="round_edit"),
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/new/", views.survey_edit, name="survey_edit"),
    path("coverage/", views.coverage, name="coverage"),
    path("donations/", views_money.donation_list, name="donation_list"),
    path("donations/new/", views_money.donation_new, name="donation_new"),
    path("donations/<int:pk>/", views_money.donation_detail, name="donation_detail"),
    path("donations/<int:pk>/allocate/", views_money.donation_allocate, name="donation_allocate"),
    path("funds/", views_money.fund_list, name="fund_list"),
    path("funds/new/", views_money.fund_new, name="fund_new"),
    path("funds/use/", views_money.fund_use_new, name="fund_use_new"),
    path("findings/", views_money.finding_list, name="finding_list"),
    path("findings/new/", views_money.finding_edit, name="finding_new"),
    path("findings/<int:pk>/", views_money.finding_edit, name="finding_edit"),
    path("p/<str:token>/", views_public.public_notice, name="public_notice"),
    path("open/", views_public.public_open, name="public_open"),
]
