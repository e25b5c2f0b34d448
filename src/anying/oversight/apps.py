from django.apps import AppConfig


class OversightConfig(AppConfig):
    """综合监管: dashboards, rankings (晾晒), periodic reports, key tasks (挂图作战) and
    accidents. The top of the dependency graph: it reads every app below and nothing below
    imports it."""

    name = "anying.oversight"
    label = "oversight"
    verbose_name = "综合监管"

    def ready(self):
        from . import permissions

        permissions.register()
        from anying.core import hooks
        from anying.core.navigation import MenuEntry, register

        from . import (  # lifecycles too
            demo_accidents,
            demo_keytasks,
            demo_rankings,
            rankings,
            reports,
        )

        hooks.register_demo("keytasks", 60, demo_keytasks.load)
        from anying.core import workqueue

        from . import work

        workqueue.register(*work.SOURCES)  # the 待办 of every module (core/workqueue.py)
        from . import enterprise_tabs

        hooks.register_enterprise_tab(*enterprise_tabs.TABS)  # 一企一档
        hooks.register_demo("accidents", 61, demo_accidents.load)
        hooks.register_demo("rankings", 90, demo_rankings.load)  # after every module's records
        hooks.register_tick("ranking_drafts", rankings.run)
        hooks.register_tick("periodic_reports", reports.run)
        action = hooks.RecordAction("生产安全事故", "accident_enterprise", "exclamation-octagon", "oversight.view")
        if action not in hooks.ENTERPRISE_ACTIONS:
            hooks.ENTERPRISE_ACTIONS.append(action)
        register(MenuEntry("综合看板", "dashboard", "speedometer2", "oversight.view", section="工作台", order=5),
                 MenuEntry("晾晒排名", "ranking_list", "trophy", "oversight.view", section="综合监管", order=600),
                 MenuEntry("定期报告", "report_list", "file-earmark-word", "oversight.view", section="综合监管", order=610),
                 MenuEntry("重点任务挂图作战", "keytask_list", "kanban", "oversight.view", section="综合监管", order=620,
                           badge="oversight"),
                 MenuEntry("生产安全事故", "accident_list", "exclamation-octagon", "oversight.view", section="综合监管",
                           order=630))
