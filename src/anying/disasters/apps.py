from django.apps import AppConfig


class DisastersConfig(AppConfig):
    name = "anying.disasters"
    label = "disasters"
    verbose_name = "灾情报送与应急救助"

    def ready(self):
        from . import permissions

        permissions.register()
