from django.urls import path

from . import views

urlpatterns = [
    path("", views.map_page, name="map"),
    path("layers/<str:code>/", views.layer, name="map_layer"),
    path("nearest/", views.nearest, name="map_nearest"),
    path("outlines/", views.outlines, name="map_outlines"),
    path("tiles/<int:z>/<int:x>/<int:y>", views.tile, name="map_tile"),
]
