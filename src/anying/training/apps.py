from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "anying.training"
    label = "training"
    verbose_name = "安全培训"

    def ready(self):
        from anying.core import hooks
        from anying.core.navigation import MenuEntry, register

        from . import demo, enterprise_tabs, permissions, services

        permissions.register()
        hooks.register_enterprise_tab(*enterprise_tabs.TABS)  # 一企一档
        action = hooks.RecordAction("培训计划", "training_plan", "calendar-check", "training.view")
        if action not in hooks.ENTERPRISE_ACTIONS:
            hooks.ENTERPRISE_ACTIONS.append(action)
        hooks.register_monthly_source(hooks.MonthlySource(
            "training", "安全培训", 40,
            (("sessions", "培训场次", "场"), ("person_times", "培训人次", "人次"), ("hours", "培训学时", "学时")),
            services.monthly))
        # after the registry's demo enterprises and the onsite demo mine (order 30)
        hooks.register_demo("training", 32, demo.load)
        register(MenuEntry("安全培训", "training_list", "mortarboard", "training.view", section="企业档案", order=110),
                 MenuEntry("培训档案", "trainee_list", "person-vcard", "training.view", section="企业档案", order=111),
                 MenuEntry("培训覆盖率", "training_coverage", "pie-chart", "training.view", section="企业档案",
                           order=112))
