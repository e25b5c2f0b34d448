from django.urls import path

from . import views, views_public

app_name = "credit"
urlpatterns = [
    path("", views.listing_list, name="list"),
    path("new/", views.listing_new, name="new"),
    path("<int:pk>/", views.listing_detail, name="detail"),
    path("<int:pk>/act/", views.listing_act, name="act"),
    path("penalties/", views.penalty_list, name="penalties"),
    path("penalties/<int:pk>/publish/", views.penalty_publish, name="penalty_publish"),
    path("rerating/", views.rerating, name="rerating"),
    # public (no login)
    path("open/blacklist/", views_public.public_list, name="public_list"),
    path("open/penalties/", views_public.public_penalties, name="public_penalties"),
]
