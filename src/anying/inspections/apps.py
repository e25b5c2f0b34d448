from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "anying.inspections"
    label = "inspections"
    verbose_name = "执法检查"

    def ready(self):
        from anying.core import hooks
        from anying.core.navigation import MenuEntry, register

        from . import demo

        hooks.register_demo("inspections", 40, demo.load)
        register(MenuEntry("年度执法计划", "plan_list", "calendar3", "registry.view", section="执法检查", order=300),
                 MenuEntry("双随机抽查", "draw_list", "shuffle", "registry.view", section="执法检查", order=305),
                 MenuEntry("执法人员", "inspector_list", "person-badge", "registry.view", section="执法检查", order=310))
