"""What the risk points let each role do (registered from RiskPointsConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

_READ = {"riskpoints.view"}


def register() -> None:
    register_permissions("riskpoints", {
        "riskpoints.view": "查看防洪风险点、易涝点、地质灾害隐患点及其转移避险清单、转移记录和巡查",
        "riskpoints.edit": "登记和修改辖区的风险点、转移避险清单和受威胁住户，申请销号",
        "riskpoints.close": "审核风险点销号（申请人不能审核自己的申请）",
        "riskpoints.evacuate": "启动转移、确认住户转移到位、组织返回",
        "riskpoints.patrol": "记录日周月巡查和雨前雨中雨后检查，报告和销号巡查发现的问题",
    }, grants={
        Role.DISTRICT_ADMIN: _READ | {"riskpoints.edit", "riskpoints.close", "riskpoints.evacuate",
                                      "riskpoints.patrol"},
        Role.DEPT_INSPECTOR: _READ | {"riskpoints.edit", "riskpoints.close", "riskpoints.patrol"},
        Role.TOWN_INSPECTOR: _READ | {"riskpoints.edit", "riskpoints.evacuate", "riskpoints.patrol"},
        Role.LEADER: _READ | {"riskpoints.close"},
        Role.DUTY_OFFICER: _READ | {"riskpoints.evacuate"},
    })
