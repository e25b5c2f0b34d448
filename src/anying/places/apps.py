from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "anying.places"
    label = "places"
    verbose_name = "场所与一张图"

    def ready(self):
        from anying.core import hooks
        from anying.core.navigation import MenuEntry, register

        from . import builtin_layers, demo, permissions

        permissions.register()
        builtin_layers.register()
        hooks.register_demo("places", 80, demo.load)
        register(MenuEntry("一张图", "map", "map", "places.map", section="应急资源", order=700),
                 MenuEntry("应急避难场所", "shelter_list", "house-heart", "places.map", section="应急资源", order=760))
