"""What monitoring lets each role do (registered from MonitoringConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

_GOV = {"monitoring.view"}


def register() -> None:
    register_permissions("monitoring", {
        "monitoring.view": "查看重大危险源、辨识分级结果（企业只看本企业）",
        "monitoring.edit": "登记和修改重大危险源、监测点位、报警规则和采集设备（企业登记本企业的，监管人员登记辖区的），确定包保责任人",
        "monitoring.alarm": "确认报警、反馈处置（企业处置本企业的报警）",
        "monitoring.clear": "审核企业的处置反馈，确认消警或退回（属地镇街和行业部门）",
        "monitoring.duty": "录入重大危险源包保责任人履职记录（企业）",
    }, grants={
        Role.DISTRICT_ADMIN: _GOV | {"monitoring.edit", "monitoring.clear"},
        Role.DEPT_INSPECTOR: _GOV | {"monitoring.edit", "monitoring.clear"},
        Role.TOWN_INSPECTOR: _GOV | {"monitoring.edit", "monitoring.clear"},
        Role.LEADER: _GOV,
        Role.DUTY_OFFICER: _GOV | {"monitoring.clear"},
        Role.ENTERPRISE_USER: _GOV | {"monitoring.edit", "monitoring.alarm", "monitoring.duty"},
    })
