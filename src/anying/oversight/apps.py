from django.apps import AppConfig


class OversightConfig(AppConfig):
    """综合监管: dashboards, rankings (晾晒), periodic reports, key tasks (挂图作战) and
    accidents. The top of the dependency graph: it reads every app below and nothing below
    imports it."""

    name = "anying.oversight"
    label = "oversight"
    verbose_name = "综合监管"

    def ready(self):
        pass
