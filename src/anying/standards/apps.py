from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "anying.standards"
    label = "standards"
    verbose_name = "标准与判定依据"

    def ready(self):
        from . import permissions

        permissions.register()
        from anying.core.navigation import MenuEntry, register

        register(MenuEntry("重大隐患判定标准", "criteria_list", "journal-bookmark", "standards.view",
                           section="参考资料", order=990))  # reference material: last
