from django.apps import AppConfig


class HousesConfig(AppConfig):
    name = "anying.houses"
    label = "houses"
    verbose_name = "因灾倒损住房"

    def ready(self):
        from anying.core import hooks, workqueue
        from anying.core.navigation import MenuEntry, register

        from . import demo, permissions, services, work

        permissions.register()
        assert services.HOUSES  # the lifecycle registers on import
        from anying.disasters import hooks as disaster_hooks

        # a town's 核报 must agree with this ledger (the statistics system files it with the 核报)
        disaster_hooks.register_ledger("因灾倒塌损坏住房户台账", services.counts)
        workqueue.register(*work.SOURCES)
        # after the disasters demo (order 100), which makes the 7·12 rainstorm event
        hooks.register_demo("houses", 105, demo.load)
        register(MenuEntry("倒损住房台账", "house_list", "house-slash", "houses.view", section="救灾救助", order=960,
                           badge="houses"),
                 MenuEntry("倒损住房补助标准", "house_standards", "cash-coin", "houses.view", section="救灾救助",
                           order=961))
