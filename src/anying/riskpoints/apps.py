from django.apps import AppConfig


class RiskPointsConfig(AppConfig):
    name = "anying.riskpoints"
    label = "riskpoints"
    verbose_name = "风险点与转移避险"

    def ready(self):
        from anying.core import hooks, workqueue
        from anying.core.navigation import MenuEntry, register
        from anying.incidents import views_desk
        from anying.warning import hooks as warning_hooks

        from . import demo, evacuations, layers, patrols, permissions, work
        from . import views_desk as desk

        permissions.register()
        assert evacuations.EVACUATIONS and patrols.FINDINGS  # lifecycles registered on import
        warning_hooks.register_recipient_source(evacuations.recipient_source)
        warning_hooks.register_on_issue(evacuations.on_issue)
        if desk.desk_panel not in views_desk.DESK_PANELS:
            views_desk.DESK_PANELS.append(desk.desk_panel)
        layers.register()
        workqueue.register(*work.SOURCES)
        hooks.register_demo("riskpoints", 95, demo.load)
        register(MenuEntry("风险点台账", "riskpoint_list", "geo-alt", "riskpoints.view", section="预警与防灾", order=920),
                 MenuEntry("转移避险", "evacuation_list", "people", "riskpoints.view", section="预警与防灾", order=921),
                 MenuEntry("风险点巡查", "patrol_board", "binoculars", "riskpoints.view", section="预警与防灾", order=922,
                           badge="riskpoints"))
