from django.apps import AppConfig


class WarningConfig(AppConfig):
    name = "anying.warning"
    label = "warning"
    verbose_name = "预警发布与叫应"

    def ready(self):
        from anying.core import hooks
        from anying.core.navigation import MenuEntry, register
        from anying.incidents import views_desk
        from anying.places import layers

        from . import areas, delivery, demo, desk, permissions, services, sms

        permissions.register()
        assert services.LIFECYCLE  # registered on import
        hooks.register_tick("warning.sms", sms.send_due)
        hooks.register_tick("warning.escalate", delivery.escalate_due)
        hooks.register_tick("warning.expire", services.expire_due)
        hooks.register_tick("warning.feeds", services.poll_feeds)
        hooks.register_demo("warning", 90, demo.load)
        layers.register_areas(areas.areas)  # warnings in force drawn on 一张图 and the 值班台
        if desk.desk_panel not in views_desk.DESK_PANELS:
            views_desk.DESK_PANELS.insert(0, desk.desk_panel)  # warnings in force come first on the 值班台
        register(MenuEntry("预警发布", "warning:list", "megaphone", "warning.view", section="预警与防灾", order=910),
                 MenuEntry("电话叫应", "warning:calls", "telephone-outbound", "warning.call", section="预警与防灾",
                           order=911),
                 MenuEntry("预警责任人名册", "warning:contacts", "person-lines-fill", "warning.view", section="预警与防灾",
                           order=912))
