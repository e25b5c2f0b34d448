from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "anying.hazards"
    label = "hazards"
    verbose_name = "隐患排查治理"

    def ready(self):
        from anying.core import hooks

        from . import demo, escalation

        hooks.register_tick("hazard_escalation", escalation.run)
        hooks.register_demo("hazards", 30, demo.load)
        from anying.core.navigation import MenuEntry, register

        register(MenuEntry("待办", "hazard_todo", "check2-square", "hazards.act", section="隐患排查治理", order=200),
                 MenuEntry("隐患台账", "hazard_list", "exclamation-triangle", "registry.view", section="隐患排查治理",
                           order=210),
                 MenuEntry("问题清单", "hazard_issue_list", "table", "registry.view", section="隐患排查治理", order=220))
        action = hooks.RecordAction("登记隐患", "hazard_create", "exclamation-triangle", "hazards.act")
        if action not in hooks.ENTERPRISE_ACTIONS:
            hooks.ENTERPRISE_ACTIONS.append(action)
