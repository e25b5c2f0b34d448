from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "anying.registry"
    label = "registry"
    verbose_name = "企业档案"

    def ready(self):
        from . import permissions

        permissions.register()
        from anying.core import hooks
        from anying.core.navigation import MenuEntry, register

        from . import demo, excel, risk_demo, standardization

        register(MenuEntry("生产经营单位", "enterprise_list", "building", "registry.view", section="企业档案", order=100,
                           badge="registry"),
                 MenuEntry("重大较大风险", "risk_list", "exclamation-diamond", "registry.oversee", section="风险分级与标准化",
                           order=150),
                 MenuEntry("标准化达标率", "standardization_report", "award", "registry.oversee",
                           section="风险分级与标准化", order=152),
                 MenuEntry("未达标及需复评名单", "standardization_below", "list-check", "registry.oversee",
                           section="风险分级与标准化", order=154),
                 MenuEntry("风险分级阈值", "risk_config", "sliders", "registry.configure", section="风险分级与标准化",
                           order=156),
                 MenuEntry("标准化达标任务", "standardization_targets", "bullseye", "registry.configure",
                           section="风险分级与标准化", order=158))
        hooks.register_demo("registry", 20, demo.load)
        from anying.core import workqueue

        from . import work

        workqueue.register(*work.SOURCES)  # the 待办 of every module (core/workqueue.py)
        from . import enterprise_tabs

        hooks.register_enterprise_tab(*enterprise_tabs.TABS)  # 一企一档
        # after the other modules' demos, which read the seed's standardization states
        hooks.register_demo("risks_standardization", 70, risk_demo.load)
        hooks.register_tick("standardization_expiry", standardization.tick)
        hooks.register_register(hooks.Register("enterprises", "生产经营单位", excel.import_enterprises, excel.export_for))
