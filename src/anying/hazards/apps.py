from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "anying.hazards"
    label = "hazards"
    verbose_name = "隐患排查治理"

    def ready(self):
        from . import permissions

        permissions.register()
        from anying.core import hooks

        from . import checklists, deadlines, demo, escalation, self_inspection_demo, workflow  # noqa: F401 - lifecycles

        hooks.register_demo("hazards", 30, demo.load)
        hooks.register_demo("self_inspection", 35, self_inspection_demo.load)
        from anying.core import workqueue
        from anying.core.navigation import MenuEntry, register

        from . import work

        workqueue.register(*work.SOURCES)  # the 待办 of every module (core/workqueue.py)
        from anying.core import wording

        from . import wordings

        wording.register(*wordings.WORDINGS)  # 督办通知书 and the ladder's letters as rewordable templates
        from . import enterprise_tabs

        hooks.register_enterprise_tab(*enterprise_tabs.TABS)  # 一企一档
        from anying.campaigns.hooks import DEMO_TAGGERS

        from . import campaign_counts

        campaign_counts.register()  # the hazard columns of a 专项行动's statistics
        from . import monthly

        hooks.register_monthly_source(monthly.SOURCE)  # the hazard block of the enterprise's 月报
        DEMO_TAGGERS.append(campaign_counts.tag_demo)
        register(MenuEntry("隐患台账", "hazard_list", "exclamation-triangle", "registry.view", section="隐患排查治理",
                           order=210, badge="hazards"),
                 MenuEntry("问题清单", "hazard_issue_list", "table", "registry.view", section="隐患排查治理", order=220),
                 MenuEntry("日周月排查", "self_inspection_overview", "calendar-check", "registry.view",
                           section="隐患排查治理", order=230),
                 MenuEntry("检查清单", "checklist_list", "list-check", "registry.view", section="隐患排查治理",
                           order=240))
        for action in (hooks.RecordAction("登记隐患", "hazard_create", "exclamation-triangle", "hazards.act"),
                       hooks.RecordAction("日周月排查", "self_inspection_enterprise", "calendar-check", "registry.view")):
            if action not in hooks.ENTERPRISE_ACTIONS:
                hooks.ENTERPRISE_ACTIONS.append(action)
