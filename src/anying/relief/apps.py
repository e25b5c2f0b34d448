from django.apps import AppConfig


class ReliefConfig(AppConfig):
    name = "anying.relief"
    label = "relief"
    verbose_name = "救灾救助"

    def ready(self):
        from anying.core import hooks, workqueue
        from anying.core.navigation import MenuEntry, register

        from . import demo, permissions, services, work

        permissions.register()
        assert services.APPLICATIONS  # the lifecycle is registered on import
        workqueue.register(*work.SOURCES)
        hooks.register_demo("relief", 110, demo.load)
        register(MenuEntry("冬春救助", "relief:application_list", "house-heart", "relief.view", section="救灾救助",
                           order=960, badge="relief"),
                 MenuEntry("救助覆盖率", "relief:coverage", "pie-chart", "relief.view", section="救灾救助", order=961),
                 MenuEntry("救灾捐赠", "relief:donation_list", "gift", "relief.view", section="救灾救助", order=962),
                 MenuEntry("救灾资金", "relief:fund_list", "cash-coin", "relief.view", section="救灾救助", order=963))
