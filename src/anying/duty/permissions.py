"""What duty lets each role do (registered from DutyConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

_DESK = {"duty.view", "duty.keep", "duty.log"}


def register() -> None:
    register_permissions("duty", {
        "duty.view": "查看值班表、今日值班、值班日志和抽查结果",
        "duty.keep": "编排和发布本单位值班表",
        "duty.log": "填写本单位值班日志、交接班",
        "duty.approve": "审批换班",
        "duty.check": "抽查下级单位值班",
        "duty.configure": "设置值班岗位、最低配置和重点时期",
    }, grants={
        Role.DISTRICT_ADMIN: _DESK | {"duty.approve", "duty.check", "duty.configure"},
        Role.DEPT_INSPECTOR: _DESK,
        Role.TOWN_INSPECTOR: _DESK,
        Role.LEADER: {"duty.view", "duty.approve", "duty.check"},
        Role.DUTY_OFFICER: _DESK | {"duty.check"},
    })
