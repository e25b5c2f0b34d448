from django.urls import path

from . import views

urlpatterns = [
    path("", views.today, name="duty_today"),
    path("roster/", views.roster, name="duty_roster"),
    path("roster/print/", views.roster_print, name="duty_roster_print"),
    path("shifts/<int:pk>/", views.shift_detail, name="duty_shift"),
    path("shifts/<int:pk>/assign/", views.shift_assign, name="duty_assign"),
    path("assignments/<int:pk>/remove/", views.assignment_remove, name="duty_unassign"),
    path("assignments/<int:pk>/swap/", views.swap_request, name="duty_swap_request"),
    path("swaps/<int:pk>/act/", views.swap_act, name="duty_swap_act"),
    path("shifts/<int:pk>/log/", views.log_add, name="duty_log_add"),
    path("log/<int:pk>/close/", views.log_close, name="duty_log_close"),
    path("shifts/<int:pk>/handover/", views.handover, name="duty_handover"),
    path("shifts/<int:pk>/receive/", views.handover_receive, name="duty_receive"),
    path("checks/", views.checks, name="duty_checks"),
    path("setup/", views.setup, name="duty_setup"),
    path("setup/periods/new/", views.period_edit, name="duty_period_new"),
    path("setup/periods/<int:pk>/", views.period_edit, name="duty_period_edit"),
    path("setup/periods/<int:pk>/delete/", views.period_delete, name="duty_period_delete"),
]
