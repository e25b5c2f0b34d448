from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "anying.inspections"
    label = "inspections"
    verbose_name = "执法检查"

    def ready(self):
        from . import permissions

        permissions.register()
        from anying.core import hooks
        from anying.core.navigation import MenuEntry, register

        from . import demo, documents, penalties, plans  # noqa: F401 - they register their lifecycles

        hooks.register_demo("inspections", 40, demo.load)
        from anying.core import workqueue

        from . import work

        workqueue.register(*work.SOURCES)  # the 待办 of every module (core/workqueue.py)
        from anying.core import wording

        from . import enforcement_texts

        wording.register(*enforcement_texts.WORDINGS)  # each 执法文书 as a rewordable template
        from . import enterprise_tabs

        hooks.register_enterprise_tab(*enterprise_tabs.TABS)  # 一企一档
        from anying.campaigns.hooks import DEMO_TAGGERS

        from . import campaign_counts

        campaign_counts.register()  # the enforcement columns of a 专项行动's statistics
        DEMO_TAGGERS.append(campaign_counts.tag_demo)
        from anying.hazards import services as hazard_services

        from .records import on_hazard_closed

        if on_hazard_closed not in hazard_services.AFTER_TRANSITION:
            hazard_services.AFTER_TRANSITION.append(on_hazard_closed)
        action = hooks.RecordAction("执法检查", "inspection_create", "clipboard-check", "inspections.inspect")
        if action not in hooks.ENTERPRISE_ACTIONS:
            hooks.ENTERPRISE_ACTIONS.append(action)
        register(MenuEntry("年度执法计划", "plan_list", "calendar3", "registry.view", section="执法检查", order=300),
                 MenuEntry("双随机抽查", "draw_list", "shuffle", "registry.view", section="执法检查", order=305),
                 MenuEntry("执法检查记录", "inspection_list", "clipboard-check", "registry.view", section="执法检查",
                           order=307, badge="inspections"),
                 MenuEntry("行政处罚", "penalty_list", "cash-coin", "registry.view", section="执法检查", order=308),
                 MenuEntry("三个强度", "intensity_report", "bar-chart", "registry.view", section="执法检查", order=309),
                 MenuEntry("执法人员", "inspector_list", "person-badge", "registry.view", section="执法检查", order=310))
