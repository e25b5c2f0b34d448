"""What prevention and oversight lets each role do (registered from OversightConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

# Prevention and oversight (issue #6). Every government role reads the dashboard, rankings,
# reports, key tasks and accidents of its scope (oversight.view); the 区安委办 (district admin)
# configures rankings, targets, indicators and report schedules (oversight.configure) and keeps
# the key-task tables. Units report progress on their own key tasks; inspectors record accidents;
# each unit may generate the periodic reports of its own scope (a town its town's 周调度).
# Enterprises see none of it.
_WORK = {"oversight.view", "keytasks.report", "accidents.record", "reports.generate"}


def register() -> None:
    register_permissions("oversight", {
        "oversight.view": "查看综合看板、晾晒排名、定期报告、重点任务和事故",
        "oversight.configure": "设置、计算和发布晾晒排名，设置考核指标和报告计划",
        "keytasks.manage": "编制重点任务责任表",
        "keytasks.report": "报告本单位重点任务进展",
        "accidents.record": "登记生产安全事故和约谈",
        "reports.generate": "生成本辖区的定期报告",
    }, grants={
        Role.DISTRICT_ADMIN: _WORK | {"oversight.configure", "keytasks.manage"},
        Role.DEPT_INSPECTOR: _WORK,
        Role.TOWN_INSPECTOR: _WORK,
        # 分管领导 reads, and orders, the periodic reports
        Role.LEADER: {"oversight.view", "reports.generate"},
        Role.DUTY_OFFICER: {"oversight.view"},
    })
