from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "anying.monitoring"
    label = "monitoring"
    verbose_name = "监测预警"

    def ready(self):
        from anying.core import hooks
        from anying.core.navigation import MenuEntry, register

        from . import demo, enterprise_tabs, layers, permissions

        permissions.register()
        hooks.register_demo("monitoring", 87, demo.load)
        layers.register()
        hooks.register_enterprise_tab(*enterprise_tabs.TABS)  # 一企一档
        action = hooks.RecordAction("登记重大危险源", "installation_new", "radioactive", "monitoring.edit")
        if action not in hooks.ENTERPRISE_ACTIONS:
            hooks.ENTERPRISE_ACTIONS.append(action)
        register(MenuEntry("重大危险源", "installation_list", "radioactive", "monitoring.view", section="监测预警",
                           order=900),
                 MenuEntry("包保责任人", "guarantor_list", "person-badge", "monitoring.view", section="监测预警",
                           order=905, badge="monitoring"))
        # 包保责任人: the clock of their 履职, the 待办, the 公示 page, the hazards they found
        from anying.core import workqueue

        from . import baobao, views_baobao, work

        hooks.register_demo("monitoring_baobao", 88, demo.load_baobao)
        hooks.register_tick("baobao_duty", baobao.tick)
        workqueue.register(*work.SOURCES)
        hooks.register_public_section("monitoring.baobao", views_baobao.public_section)
        if views_baobao.related not in hooks.RELATED_RECORDS:
            hooks.RELATED_RECORDS.append(views_baobao.related)
