"""What 停复产 lets each role do (registered from StoppagesConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role


def register() -> None:
    register_permissions("stoppages", {
        "stoppages.view": "查看停产整顿指令和停产企业名单（政府：本辖区；企业：本企业）",
        "stoppages.manage": "下达停产整顿指令，组织复产验收，同意复产或提请关闭",
        "stoppages.apply": "企业提交整改报告、申请复产",
    }, grants={
        Role.DISTRICT_ADMIN: {"stoppages.view", "stoppages.manage"},
        Role.DEPT_INSPECTOR: {"stoppages.view", "stoppages.manage"},
        Role.TOWN_INSPECTOR: {"stoppages.view", "stoppages.manage"},
        Role.LEADER: {"stoppages.view"},
        Role.DUTY_OFFICER: {"stoppages.view"},
        Role.ENTERPRISE_USER: {"stoppages.view", "stoppages.apply"},
    })
