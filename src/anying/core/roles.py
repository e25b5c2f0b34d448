"""The six roles of PRODUCT.md §1 and what each may do.

Permissions are codes checked by services (`require(user, code)`), so the rule is in one table
rather than scattered over views.
"""

from django.db import models


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", "区级管理员"
    DEPT_INSPECTOR = "dept_inspector", "部门监管员"
    TOWN_INSPECTOR = "town_inspector", "镇街监管员"
    LEADER = "leader", "分管领导"
    DUTY_OFFICER = "duty_officer", "值班员"
    ENTERPRISE_USER = "enterprise_user", "企业安全管理员"


GOVERNMENT_ROLES = {Role.DISTRICT_ADMIN, Role.DEPT_INSPECTOR, Role.TOWN_INSPECTOR, Role.LEADER, Role.DUTY_OFFICER}

_VIEW = {"registry.view"}
_INSPECT = _VIEW | {"registry.edit", "registry.import", "registry.export", "core.create_enterprise_users",
                    "hazards.act", "inspections.plan", "inspections.manage", "inspections.inspect"}

# 12350 tips (issue #5): every government role reads the tips of its scope; the 12350 desk
# (值班员, the command centre that answers the hotline) and the district admin take tips by phone,
# dispatch them, and alone see who reported (保密: the verifying inspectors never learn it).
_TIPS = {"tips.view"}
_TIPS_HANDLE = _TIPS | {"tips.handle"}
_TIPS_DESK = _TIPS_HANDLE | {"tips.assign", "tips.view_contact"}

# Prevention and oversight (issue #6). An enterprise grades its own risks (risk.assess); the
# inspectors who guide it may record them too. Every government role reads the dashboard,
# rankings, reports, key tasks and accidents of its scope (oversight.view); the 区安委办 (district
# admin) configures thresholds, targets, indicators and report schedules (oversight.configure).
# Units report progress on their own key tasks; inspectors record accidents; each unit may
# generate the periodic reports of its own scope (a town its town's 周调度).
_OVERSIGHT = {"oversight.view"}
_OVERSIGHT_WORK = _OVERSIGHT | {"risk.assess", "keytasks.report", "accidents.record", "reports.generate"}

PERMISSIONS: dict[str, set[str]] = {
    Role.DISTRICT_ADMIN: _INSPECT | _TIPS_DESK | _OVERSIGHT_WORK | {
        "core.manage_units", "core.manage_users", "core.view_audit", "core.configure_clocks", "inspections.approve", "tips.reward",
        "tips.approve_reward", "tips.configure", "oversight.configure", "keytasks.manage"},
    Role.DEPT_INSPECTOR: _INSPECT | _TIPS_HANDLE | _OVERSIGHT_WORK,
    Role.TOWN_INSPECTOR: _INSPECT | _TIPS_HANDLE | _OVERSIGHT_WORK,
    # 分管领导 approves annual plans and tip rewards, and reads (and orders) the periodic reports
    Role.LEADER: _VIEW | _TIPS | _OVERSIGHT | {"registry.export", "inspections.approve", "tips.approve_reward",
                                               "reports.generate"},
    Role.DUTY_OFFICER: _VIEW | _TIPS_DESK | _OVERSIGHT,
    # An enterprise keeps its own posts, personnel and contacts current; the regulator owns
    # its identity (credit code, region, industry, standardization). It never sees tips, and of
    # oversight only its own risk points (risk.assess; read through the registry's scope).
    Role.ENTERPRISE_USER: _VIEW | {"registry.edit_own", "hazards.act", "risk.assess"},
}


def role_has(role: str, code: str) -> bool:
    return code in PERMISSIONS.get(role, set())
