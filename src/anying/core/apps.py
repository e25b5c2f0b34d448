from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anying.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import demo, hooks, permissions, textsearch
        from .navigation import MenuEntry, register

        permissions.register()
        # before any connection is opened: the SQLite search triggers call these functions
        connection_created.connect(textsearch.register_sqlite_functions)
        hooks.register_demo("core", 10, demo.load)
        from . import attachments, clock, notifications, ratelimit

        # every app's deadline clocks in one job, before the deliveries so its messages go out now
        hooks.register_tick("clocks", clock.run)
        hooks.register_tick("notification_digest", notifications.send_digests)
        hooks.register_tick("notification_delivery", lambda now: notifications.deliver_due(now))
        hooks.register_tick("rate_limit_purge", ratelimit.purge)
        # photos held for forms refused and never saved (attachments.hold)
        hooks.register_tick("held_photos", attachments.sweep_held)
        register(
            MenuEntry("首页", "home", "house", order=0, section="工作台"),
            MenuEntry("待办", "todo", "check2-square", order=2, section="工作台", badge="all"),
            MenuEntry("行政区划", "region_list", "map", "core.manage_units", section="系统管理", order=890),
            MenuEntry("单位管理", "unit_list", "diagram-3", "core.manage_units", section="系统管理", order=900),
            MenuEntry("用户管理", "user_list", "people", "core.manage_users", section="系统管理", order=910),
            MenuEntry("审计日志", "audit_log", "journal-text", "core.view_audit", section="系统管理", order=920),
            MenuEntry("期限与升级规则", "clock_list", "alarm", "core.configure_clocks", section="系统管理", order=930),
        )
