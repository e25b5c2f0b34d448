from django.urls import path

from . import public, views

app_name = "forestfire"

urlpatterns = [
    path("", views.board, name="board"),
    path("levels/", views.levels, name="levels"),
    path("bans/", views.bans, name="bans"),
    path("checkpoints/", views.checkpoints, name="checkpoints"),
    path("checkpoints/new/", views.checkpoint_new, name="checkpoint_new"),
    path("checkpoints/<int:pk>/", views.checkpoint_detail, name="checkpoint_detail"),
    path("checkpoints/<int:pk>/duty/", views.checkpoint_duty, name="checkpoint_duty"),
    path("checkpoints/<int:pk>/poster/", views.checkpoint_poster, name="checkpoint_poster"),
    path("entries/", views.entries, name="entries"),
    path("rangers/", views.rangers, name="rangers"),
    path("rangers/new/", views.ranger_new, name="ranger_new"),
    path("rangers/<int:pk>/", views.ranger_detail, name="ranger_detail"),
    path("fire-use/", views.fire_uses, name="fire_uses"),
    path("fire-use/new/", views.fire_use_new, name="fire_use_new"),
    path("fire-use/<int:pk>/", views.fire_use_detail, name="fire_use_detail"),
    path("fire-use/<int:pk>/act/", views.fire_use_act, name="fire_use_act"),
    path("illegal/new/", views.illegal_new, name="illegal_new"),
    path("reports/", views.reports, name="reports"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/check/", views.report_check, name="report_check"),
    path("responsibilities/", views.responsibilities, name="responsibilities"),
    path("responsibilities/<int:pk>/remove/", views.responsibility_remove, name="responsibility_remove"),
    # public (no login): 进山扫码 and the 公示牌
    path("in/<str:token>/", public.enter, name="public_entry"),
    path("in/<str:token>/done/", public.done, name="public_done"),
    path("in/<str:token>/out/", public.leave, name="public_leave"),
    path("in/<str:token>/out-by-phone/", public.leave_by_phone, name="public_leave_phone"),
    path("in/<str:token>/qr.svg", public.qr, name="public_qr"),
    path("board/<int:region_id>/", public.board, name="public_board"),
]
