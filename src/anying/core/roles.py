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

PERMISSIONS: dict[str, set[str]] = {
    Role.DISTRICT_ADMIN: _INSPECT | {"core.manage_units", "core.manage_users", "core.view_audit",
                                     "inspections.approve"},
    Role.DEPT_INSPECTOR: _INSPECT,
    Role.TOWN_INSPECTOR: _INSPECT,
    Role.LEADER: _VIEW | {"registry.export", "inspections.approve"},  # 分管领导 approves annual plans
    Role.DUTY_OFFICER: _VIEW,
    # An enterprise keeps its own posts, personnel and contacts current; the regulator owns
    # its identity (credit code, region, industry, standardization).
    Role.ENTERPRISE_USER: _VIEW | {"registry.edit_own", "hazards.act"},
}


def role_has(role: str, code: str) -> bool:
    return code in PERMISSIONS.get(role, set())
