from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "anying.duty"
    label = "duty"
    verbose_name = "值班值守"

    def ready(self):
        from anying.core import recipients, workqueue
        from anying.core.navigation import MenuEntry, register

        from . import permissions, services, work

        permissions.register()
        if services.on_duty_users not in recipients.ON_DUTY:
            recipients.ON_DUTY.append(services.on_duty_users)
        workqueue.register(*work.SOURCES)
        from anying.core import hooks

        from . import demo

        hooks.register_demo("duty", 80, demo.load)
        register(MenuEntry("今日值班", "duty_today", "telephone-inbound", "duty.view", section="应急指挥", order=800),
                 MenuEntry("值班表", "duty_roster", "calendar-week", "duty.view", section="应急指挥", order=802),
                 MenuEntry("值班抽查", "duty_checks", "telephone-outbound", "duty.view", section="应急指挥", order=804),
                 MenuEntry("重点时期与值班配置", "duty_setup", "sliders", "duty.view", section="应急指挥", order=806))
