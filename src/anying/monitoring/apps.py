from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "anying.monitoring"
    label = "monitoring"
    verbose_name = "监测预警"

    def ready(self):
        from anying.core import hooks
        from anying.core.navigation import MenuEntry, register

        from . import alarms, demo, enterprise_tabs, layers, permissions, watch

        permissions.register()
        assert alarms.LIFECYCLE  # registered on import
        hooks.register_tick("monitoring.watch", watch.run)
        hooks.register_demo("monitoring", 87, demo.load)
        layers.register()
        hooks.register_enterprise_tab(*enterprise_tabs.TABS)  # 一企一档
        action = hooks.RecordAction("登记重大危险源", "installation_new", "radioactive", "monitoring.edit")
        if action not in hooks.ENTERPRISE_ACTIONS:
            hooks.ENTERPRISE_ACTIONS.append(action)
        register(MenuEntry("重大危险源", "installation_list", "radioactive", "monitoring.view", section="监测预警",
                           order=900))
