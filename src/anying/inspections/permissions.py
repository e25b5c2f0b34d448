"""What law enforcement lets each role do (registered from InspectionsConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

_ENFORCE = {"inspections.plan", "inspections.manage", "inspections.inspect"}


def register() -> None:
    register_permissions("inspections", {
        "inspections.plan": "编制年度执法计划，组织双随机抽查",
        "inspections.manage": "维护本单位的执法人员",
        # The district admin keeps the inspectors of every unit of its territory.
        "inspections.manage_territory": "维护辖区内各单位的执法人员",
        "inspections.inspect": "记录执法检查，办理行政处罚和整改复查",
        # Annual plans are approved by the 区安委办 or the 分管领导.
        "inspections.approve": "批准年度执法计划",
    }, grants={
        Role.DISTRICT_ADMIN: _ENFORCE | {"inspections.manage_territory", "inspections.approve"},
        Role.DEPT_INSPECTOR: _ENFORCE,
        Role.TOWN_INSPECTOR: _ENFORCE,
        Role.LEADER: {"inspections.approve"},
    })
