from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "anying.plans"
    label = "plans"
    verbose_name = "应急预案与演练"

    def ready(self):
        from anying.core import hooks, workqueue
        from anying.core.navigation import MenuEntry, register

        from . import demo, permissions, services, work  # noqa: F401 - services registers the lifecycle

        permissions.register()
        workqueue.register(*work.SOURCES)
        hooks.register_demo("plans", 85, demo.load)
        from . import monthly

        hooks.register_monthly_source(monthly.SOURCE)  # drills in the enterprise's 月报
        register(MenuEntry("应急预案", "plans:list", "journal-text", "plans.view", section="应急指挥", order=820),
                 MenuEntry("预案覆盖与修编", "plans:coverage", "grid-3x3-gap", "plans.view", section="应急指挥", order=822),
                 MenuEntry("应急演练", "plans:drills", "people", "drills.view", section="应急指挥", order=824),
                 MenuEntry("演练指标", "plans:quotas", "clipboard-check", "drills.view", section="应急指挥", order=826),
                 MenuEntry("整改与修订任务", "plans:follow_ups", "list-check", "plans.view", section="应急指挥",
                           order=828))
