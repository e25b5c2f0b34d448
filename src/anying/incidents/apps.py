from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "anying.incidents"
    label = "incidents"
    verbose_name = "接报与信息报送"

    def ready(self):
        from anying.core import hooks, workqueue
        from anying.core.navigation import MenuEntry, register
        from anying.duty import services as duty

        from . import demo, layers, links, permissions, services, work

        permissions.register()
        if links.related not in hooks.RELATED_RECORDS:
            hooks.RELATED_RECORDS.append(links.related)
        layers.register()
        if services.handover_items not in duty.HANDOVER_ITEMS:
            duty.HANDOVER_ITEMS.append(services.handover_items)
        workqueue.register(*work.SOURCES)
        hooks.register_tick("incidents.overdue", lambda now: services.run_overdue(now))
        hooks.register_demo("incidents", 90, demo.load)
        register(MenuEntry("值班台", "incident_desk", "display", "incidents.view", section="应急指挥", order=799),
                 MenuEntry("接报事件", "incident_list", "broadcast", "incidents.view", section="应急指挥", order=810),
                 MenuEntry("报送质量", "incident_quality", "stopwatch", "incidents.view", section="应急指挥", order=812),
                 MenuEntry("报送时限", "incident_rules", "hourglass-split", "incidents.view", section="应急指挥", order=814))
