from django.apps import AppConfig


class WarningConfig(AppConfig):
    name = "anying.warning"
    label = "warning"
    verbose_name = "预警发布与叫应"

    def ready(self):
        from . import permissions

        permissions.register()
