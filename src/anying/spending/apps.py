from django.apps import AppConfig


class SpendingConfig(AppConfig):
    name = "anying.spending"
    label = "spending"
    verbose_name = "安全生产费用"

    def ready(self):
        from anying.core import hooks
        from anying.core.navigation import MenuEntry, register

        from . import demo, enterprise_tabs, permissions, services

        permissions.register()
        hooks.register_enterprise_tab(*enterprise_tabs.TABS)  # 一企一档
        hooks.register_monthly_source(hooks.MonthlySource(
            "spending", "安全生产费用", 60,
            (("set_aside", "本月提取", "元"), ("spent", "本月使用", "元")), services.month_figures))
        # after the registry demo, whose enterprises the ledgers belong to
        hooks.register_demo("spending", 110, demo.load)
        register(MenuEntry("安全生产费用", "spending:list", "piggy-bank", "spending.view", section="企业档案",
                           order=130))
