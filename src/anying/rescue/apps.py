from django.apps import AppConfig


class RescueConfig(AppConfig):
    name = "anying.rescue"
    label = "rescue"
    verbose_name = "救援队伍与专家"

    def ready(self):
        from anying.core import hooks, workqueue
        from anying.core.navigation import MenuEntry, register

        from . import clocks, demo, excel, layers, links, permissions, services, work  # noqa: F401 - clocks register themselves

        permissions.register()
        layers.register()
        workqueue.register(*work.SOURCES)
        hooks.register_demo("rescue", 75, demo.load)
        hooks.register_tick("rescue_linkage_meetings", services.ensure_meetings)
        if links.related not in hooks.RELATED_RECORDS:
            hooks.RELATED_RECORDS.append(links.related)
        for item in excel.REGISTERS:
            hooks.register_register(item)
        register(
            MenuEntry("救援队伍", "rescue_team_list", "people", "rescue.view", section="应急资源", order=710),
            MenuEntry("值班备勤", "rescue_standby", "clipboard-check", "rescue.view", section="应急资源", order=712),
            MenuEntry("训练与考核", "rescue_training", "activity", "rescue.view", section="应急资源", order=714),
            MenuEntry("队伍建设总览", "rescue_overview", "bar-chart", "rescue.view", section="应急资源", order=716),
            MenuEntry("基层应急力量", "rescue_grassroots_list", "person-lines-fill", "rescue.view", section="应急资源",
                      order=717),
            MenuEntry("联动联席会议", "rescue_meetings", "people-fill", "rescue.view", section="应急资源", order=718),
            MenuEntry("专家库", "rescue_expert_list", "person-badge", "rescue.experts_view", section="应急资源", order=720),
            MenuEntry("专家指导服务", "rescue_visit_list", "clipboard2-pulse", "rescue.guidance", section="应急资源",
                      order=722),
        )
