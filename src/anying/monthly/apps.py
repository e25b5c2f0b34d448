from django.apps import AppConfig


class MonthlyConfig(AppConfig):
    name = "anying.monthly"
    label = "monthly"
    verbose_name = "企业月报"

    def ready(self):
        from anying.core import hooks, wording, workqueue
        from anying.core.navigation import MenuEntry, register

        from . import demo, document, permissions, services, work

        permissions.register()
        wording.register(*document.WORDINGS)
        workqueue.register(*work.SOURCES)
        hooks.register_tick("monthly.late", services.flag_late)
        hooks.register_demo("monthly", 120, demo.load)  # after every register it compiles
        register(MenuEntry("企业月报", "monthly:overview", "calendar2-month", "monthly.view", section="隐患排查治理",
                           order=235))
