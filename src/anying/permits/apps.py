from django.apps import AppConfig


class PermitsConfig(AppConfig):
    name = "anying.permits"
    label = "permits"
    verbose_name = "特殊作业票"

    def ready(self):
        from anying.core import hooks
        from anying.core.navigation import MenuEntry, register

        from . import demo, enterprise_tabs, permissions, services

        permissions.register()
        assert services.PERMITS  # the lifecycle registers on import
        hooks.register_tick("permit_expiry", services.flag_expired)
        hooks.register_enterprise_tab(*enterprise_tabs.TABS)  # 一企一档
        hooks.register_monthly_source(hooks.MonthlySource("permits", "特殊作业", 40, services.MONTHLY_FIGURES,
                                                          services.monthly))
        hooks.register_demo("permits", 112, demo.load)
        register(MenuEntry("特殊作业票", "permit_list", "fire", "permits.view", section="隐患排查治理", order=240),
                 MenuEntry("正在作业", "permit_open", "broadcast", "permits.view", section="隐患排查治理", order=241))
