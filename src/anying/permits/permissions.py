"""What the permits let each role do (registered from PermitsConfig.ready()). The enterprise
writes and approves its own permits (the approver is another account than the applicant); the
town and the departments read them, and the town watches the permits open now."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

_READ = {"permits.view"}


def register() -> None:
    register_permissions("permits", {
        "permits.view": "查看特殊作业票（企业：本企业；镇街和部门：辖区、本行业）和正在作业的作业票",
        "permits.write": "填报本企业的特殊作业票、记录气体分析、开始/中断/恢复作业、完工验收",
        "permits.approve": "审批本企业的特殊作业票（不能审批本人填报的作业票）",
    }, grants={
        Role.DISTRICT_ADMIN: set(_READ),
        Role.DEPT_INSPECTOR: set(_READ),
        Role.TOWN_INSPECTOR: set(_READ),
        Role.LEADER: set(_READ),
        Role.DUTY_OFFICER: set(_READ),
        Role.ENTERPRISE_USER: _READ | {"permits.write", "permits.approve"},
    })
