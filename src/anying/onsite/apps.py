from django.apps import AppConfig


class OnsiteConfig(AppConfig):
    name = "anying.onsite"
    label = "onsite"
    verbose_name = "矿山在岗履职"

    def ready(self):
        from anying.core import hooks
        from anying.core.navigation import MenuEntry, register

        from . import demo, enterprise_tabs, permissions, services

        permissions.register()
        hooks.register_enterprise_tab(*enterprise_tabs.TABS)  # 一企一档
        hooks.register_monthly_source(hooks.MonthlySource(
            "onsite", "矿山在岗履职", 45,
            (("controller_days", "实际控制人在岗", "天"), ("engineer_days", "总工程师在岗", "天"),
             ("meetings", "安全生产重大问题会议", "次")),
            services.monthly))
        # after the registry's demo enterprises; before the training demo (32), which trains its people
        hooks.register_demo("onsite", 30, demo.load)
        register(MenuEntry("矿山在岗履职", "onsite_months", "person-check", "onsite.view", section="企业档案", order=115),
                 MenuEntry("会议纪要", "onsite_meetings", "journal-text", "onsite.view", section="企业档案", order=116))
