from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "anying.registry"
    label = "registry"
    verbose_name = "企业档案"

    def ready(self):
        from anying.core import hooks
        from anying.core.navigation import MenuEntry, register

        from . import demo, excel, standardization

        register(MenuEntry("生产经营单位", "enterprise_list", "building", "registry.view", section="企业档案", order=100))
        hooks.register_demo("registry", 20, demo.load)
        hooks.register_tick("standardization_expiry", standardization.tick)
        hooks.register_register(hooks.Register("enterprises", "生产经营单位", excel.import_enterprises, excel.export_for))
