"""What the incident desk lets each role do (registered from IncidentsConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

_DESK = {"incidents.view", "incidents.take"}


def register() -> None:
    register_permissions("incidents", {
        "incidents.view": "查看接报事件、信息报告和报送时限",
        "incidents.take": "接报、更新事件情况、报送首报续报终报、签收下级报告",
        "incidents.flag": "认定迟报、漏报、瞒报、谎报",
        "incidents.configure": "设置本地区报送时限和上报对象",
    }, grants={
        Role.DISTRICT_ADMIN: _DESK | {"incidents.flag", "incidents.configure"},
        Role.DEPT_INSPECTOR: _DESK,
        Role.TOWN_INSPECTOR: _DESK,
        Role.LEADER: {"incidents.view", "incidents.flag"},
        Role.DUTY_OFFICER: _DESK | {"incidents.flag"},
    })
