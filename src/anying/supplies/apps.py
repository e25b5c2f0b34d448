from django.apps import AppConfig


class SuppliesConfig(AppConfig):
    name = "anying.supplies"
    label = "supplies"
    verbose_name = "应急物资"

    def ready(self):
        from anying.core import hooks, workqueue
        from anying.core.navigation import MenuEntry, register

        from . import alerts, demo, excel, layers, permissions, transfers  # noqa: F401 - lifecycle, clock

        permissions.register()
        layers.register()
        workqueue.register(*alerts.SOURCES)
        hooks.register_demo("supplies", 70, demo.load)
        for reg in excel.REGISTERS:
            hooks.register_register(reg)
        register(MenuEntry("物资仓库", "supplies:warehouse_list", "box-seam", "supplies.view", section="应急资源", order=410),
                 MenuEntry("物资库存", "supplies:balance_list", "boxes", "supplies.view", section="应急资源", order=412),
                 MenuEntry("出入库单据", "supplies:document_list", "receipt", "supplies.keep", section="应急资源", order=414),
                 MenuEntry("物资调拨", "supplies:transfer_list", "truck", "supplies.view", section="应急资源", order=416,
                           badge="supplies"))
