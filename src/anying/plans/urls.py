from django.urls import path

from . import drill_views, views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_new, name="new"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/act/", views.plan_act, name="act"),
    path("<int:pk>/parts/<str:kind>/", views.part_add, name="part_add"),
    path("<int:pk>/parts/<str:kind>/<int:part_id>/remove/", views.part_remove, name="part_remove"),
    path("<int:pk>/evaluate/", views.plan_evaluate, name="evaluate"),
    path("<int:pk>/files/", views.plan_upload, name="upload"),
    path("<int:pk>/files/<int:attachment_id>/", views.plan_file, name="file"),
    path("<int:pk>/card/<int:number>/", views.action_card, name="card"),
    path("coverage/", views.coverage, name="coverage"),
    path("rules/", views.requirements, name="rules"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("drills/", drill_views.drill_list, name="drills"),
    path("drills/new/", drill_views.drill_new, name="drill_new"),
    path("drills/quotas/", drill_views.quotas, name="quotas"),
    path("drills/<int:pk>/", drill_views.drill_detail, name="drill"),
    path("drills/<int:pk>/edit/", drill_views.drill_edit, name="drill_edit"),
    path("drills/<int:pk>/record/", drill_views.drill_record, name="drill_record"),
    path("drills/<int:pk>/cancel/", drill_views.drill_cancel, name="drill_cancel"),
    path("drills/<int:pk>/evaluate/", drill_views.drill_evaluate, name="drill_evaluate"),
    path("drills/<int:pk>/photos/<int:attachment_id>/", drill_views.drill_photo, name="drill_photo"),
]
