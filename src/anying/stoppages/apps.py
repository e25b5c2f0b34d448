from django.apps import AppConfig


class StoppagesConfig(AppConfig):
    name = "anying.stoppages"
    label = "stoppages"
    verbose_name = "停复产"

    def ready(self):
        from anying.core import hooks, workqueue
        from anying.core.navigation import MenuEntry, register

        from . import campaign_counts, demo, enterprise_tabs, permissions, services, work

        permissions.register()
        assert services.LIFECYCLE  # registered on import
        workqueue.register(*work.SOURCES)
        campaign_counts.register()
        hooks.register_enterprise_tab(*enterprise_tabs.TABS)
        action = hooks.RecordAction("责令停产整顿", "stoppages:new", "sign-stop", "stoppages.manage")
        if action not in hooks.ENTERPRISE_ACTIONS:
            hooks.ENTERPRISE_ACTIONS.append(action)
        hooks.register_demo("stoppages", 111, demo.load)
        register(MenuEntry("停产整顿", "stoppages:list", "sign-stop", "stoppages.view", section="执法检查", order=307,
                           badge="stoppages"))
