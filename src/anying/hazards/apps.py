from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "anying.hazards"
    label = "hazards"
    verbose_name = "隐患排查治理"

    def ready(self):
        from anying.core import hooks

        from . import escalation

        hooks.register_tick("hazard_escalation", escalation.run)
