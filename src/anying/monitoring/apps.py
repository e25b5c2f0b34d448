from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "anying.monitoring"
    label = "monitoring"
    verbose_name = "监测预警"

    def ready(self):
        from anying.core import hooks
        from anying.core.navigation import MenuEntry, register
        from anying.incidents import views_desk

        from . import alarms, demo, enterprise_tabs, layers, permissions, views_boards, watch

        permissions.register()
        assert alarms.LIFECYCLE  # registered on import
        hooks.register_tick("monitoring.watch", watch.run)
        if views_boards.desk_panel not in views_desk.DESK_PANELS:
            views_desk.DESK_PANELS.append(views_boards.desk_panel)  # 值班台 shows the unhandled alarms
        hooks.register_demo("monitoring", 87, demo.load)
        layers.register()
        hooks.register_enterprise_tab(*enterprise_tabs.TABS)  # 一企一档
        action = hooks.RecordAction("登记重大危险源", "installation_new", "radioactive", "monitoring.edit")
        if action not in hooks.ENTERPRISE_ACTIONS:
            hooks.ENTERPRISE_ACTIONS.append(action)
        board = hooks.RecordAction("实时监测", "monitoring_enterprise_board", "activity", "monitoring.view")
        if board not in hooks.ENTERPRISE_ACTIONS:
            hooks.ENTERPRISE_ACTIONS.append(board)
        register(MenuEntry("监测看板", "monitoring_board", "speedometer2", "monitoring.view", section="监测预警", order=898),
                 MenuEntry("监测报警", "alarm_list", "bell", "monitoring.view", section="监测预警", order=899),
                 MenuEntry("重大危险源", "installation_list", "radioactive", "monitoring.view", section="监测预警",
                           order=900),
                 MenuEntry("接入情况", "monitoring_coverage", "diagram-3", "monitoring.view", section="监测预警", order=901),
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
