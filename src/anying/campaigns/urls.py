from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/act/", views.campaign_act, name="act"),
    path("<int:pk>/items/", views.item_add, name="item_add"),
    path("<int:pk>/items/<int:item_pk>/delete/", views.item_remove, name="item_remove"),
    path("<int:pk>/items.xlsx", views.items_export, name="items_export"),
    path("<int:pk>/stats.xlsx", views.stats_export, name="stats_export"),
]
