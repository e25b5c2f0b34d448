from django.urls import path

from . import views, views_shelters

urlpatterns = [
    path("", views.map_page, name="map"),
    path("layers/<str:code>/", views.layer, name="map_layer"),
    path("nearest/", views.nearest, name="map_nearest"),
    path("outlines/", views.outlines, name="map_outlines"),
    path("areas/", views.areas, name="map_areas"),
    path("tiles/<int:z>/<int:x>/<int:y>", views.tile, name="map_tile"),
    path("shelters/", views_shelters.shelter_list, name="shelter_list"),
    path("shelters/new/", views_shelters.shelter_edit, name="shelter_create"),
    path("shelters/<int:pk>/", views_shelters.shelter_edit, name="shelter_edit"),
]
