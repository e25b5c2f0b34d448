"""What the credit register lets each role do (registered from CreditConfig.ready()). 谁处罚、谁
决定: the unit that decided the penalty proposes; a different person approves (职责分离); the
district publishes to the public page and the 信用重庆 export; an enterprise reads its own."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

_READ = {"credit.view"}


def register() -> None:
    register_permissions("credit", {
        "credit.view": "查看严重失信主体名单、行政处罚公示情况和标准化重新核定提示（企业：本企业的名单条目）",
        "credit.propose": "提出列入严重失信主体名单（作出处罚决定的部门）",
        "credit.approve": "决定列入或不予列入、移出严重失信主体名单",
        "credit.publish": "公示严重失信主体名单和行政处罚决定信息，导出报送信用平台",
    }, grants={
        Role.DISTRICT_ADMIN: _READ | {"credit.propose", "credit.approve", "credit.publish"},
        Role.DEPT_INSPECTOR: _READ | {"credit.propose", "credit.publish"},
        Role.TOWN_INSPECTOR: set(_READ),
        Role.LEADER: _READ | {"credit.approve"},
        Role.ENTERPRISE_USER: set(_READ),
    })
