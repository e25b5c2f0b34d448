"""What the hazard register lets each role do (registered from HazardsConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

# Who takes which step of a hazard's lifecycle is decided by the parties in workflow.py; these
# codes say who may work in the register at all, and which side of it.
_INSPECTOR_CODES = {"hazards.act", "hazards.supervise"}


def register() -> None:
    register_permissions("hazards", {
        "hazards.act": "登记和办理隐患，维护检查清单和排查计划",
        # The inspectors' side: reviewing what an enterprise submits, and the checklists that
        # inspections use or that follow a 判定标准, which enterprises do not keep.
        "hazards.supervise": "复核隐患整改，维护执法检查清单和依据判定标准生成的清单",
        # The enterprise's side: its routine self-inspection (日周月排查) is its own record;
        # inspectors see it and set up the schedules but never fill it in for the enterprise.
        "hazards.self_inspect": "记录本企业的日周月排查",
    }, grants={
        Role.DISTRICT_ADMIN: _INSPECTOR_CODES,
        Role.DEPT_INSPECTOR: _INSPECTOR_CODES,
        Role.TOWN_INSPECTOR: _INSPECTOR_CODES,
        Role.ENTERPRISE_USER: {"hazards.act", "hazards.self_inspect"},
    })
