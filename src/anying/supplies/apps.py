from django.apps import AppConfig


class SuppliesConfig(AppConfig):
    name = "anying.supplies"
    label = "supplies"
    verbose_name = "应急物资"

    def ready(self):
        from anying.core import hooks, workqueue
        from anying.core.navigation import MenuEntry, register

        from . import alerts, demo, excel, layers, permissions, planning, planning_demo, rounds, transfers  # noqa: F401 - lifecycles, clock

        permissions.register()
        layers.register()
        workqueue.register(*alerts.SOURCES, *planning.SOURCES, *rounds.SOURCES)
        hooks.register_demo("supplies", 70, demo.load)
        hooks.register_demo("supplies_planning", 71, planning_demo.load)
        for reg in excel.REGISTERS:
            hooks.register_register(reg)
        register(MenuEntry("物资仓库", "supplies:warehouse_list", "box-seam", "supplies.view", section="应急资源", order=730),
                 MenuEntry("仓库日周月检查", "supplies:check_list", "clipboard-check", "supplies.view", section="应急资源",
                           order=731),
                 MenuEntry("物资库存", "supplies:balance_list", "boxes", "supplies.view", section="应急资源", order=732),
                 MenuEntry("出入库单据", "supplies:document_list", "receipt", "supplies.keep", section="应急资源", order=734),
                 MenuEntry("物资调拨", "supplies:transfer_list", "truck", "supplies.view", section="应急资源", order=736,
                           badge="supplies"),
                 MenuEntry("物资需求计划", "supplies:demand_list", "clipboard-data", "supplies.view", section="应急资源",
                           order=738),
                 MenuEntry("物资维护保养", "supplies:maintenance_list", "tools", "supplies.view", section="应急资源", order=739),
                 MenuEntry("家庭储备宣传", "supplies:publicity_list", "house-heart", "supplies.view", section="应急资源",
                           order=741))
