from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "anying.monitoring"
    label = "monitoring"
    verbose_name = "监测预警"

    def ready(self):
        from . import permissions

        permissions.register()
