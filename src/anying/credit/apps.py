from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "anying.credit"
    label = "credit"
    verbose_name = "信用监管"

    def ready(self):
        from anying.core import hooks
        from anying.core.navigation import MenuEntry, register

        from . import demo, enterprise_tabs, permissions, services

        permissions.register()
        assert services.LISTINGS  # the lifecycle registers on import
        hooks.register_enterprise_tab(*enterprise_tabs.TABS)  # 一企一档
        hooks.register_tick("credit_expiry", services.expire)
        # after the inspections demo (penalties) and the spending demo
        hooks.register_demo("credit", 115, demo.load)
        register(MenuEntry("严重失信主体名单", "credit:list", "person-x", "credit.view", section="执法检查", order=270),
                 MenuEntry("行政处罚公示", "credit:penalties", "megaphone", "credit.view", section="执法检查", order=271),
                 MenuEntry("标准化重新核定", "credit:rerating", "award", "credit.view", section="风险分级与标准化",
                           order=330))
