from django.apps import AppConfig


class DisastersConfig(AppConfig):
    name = "anying.disasters"
    label = "disasters"
    verbose_name = "灾情报送与应急救助"

    def ready(self):
        from anying.core import hooks, wording, workqueue
        from anying.core.navigation import MenuEntry, register

        from . import demo, permissions, services, summary, work

        permissions.register()
        assert services.LIFECYCLE  # registered on import
        wording.register(*summary.WORDINGS)  # 灾情通报 as a rewordable template
        workqueue.register(*work.SOURCES)
        hooks.register_tick("disasters.late", services.flag_late)
        hooks.register_demo("disasters", 100, demo.load)
        register(MenuEntry("灾情报送", "disasters:list", "cloud-rain-heavy", "disasters.view", section="救灾救助",
                           order=950, badge="disasters"),
                 MenuEntry("零报告", "disasters:zero", "calendar-check", "disasters.report", section="救灾救助",
                           order=951))
