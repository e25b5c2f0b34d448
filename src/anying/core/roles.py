"""The six roles of PRODUCT.md §1 and the side of the regulatory relation each is on.

What a role may do is not here: each app registers its own permission codes and the roles that
hold them (`core.permissions.register_permissions`, called from the app's `ready()`), so core
names no upper app's rights.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", "区级管理员"
    DEPT_INSPECTOR = "dept_inspector", "部门监管员"
    TOWN_INSPECTOR = "town_inspector", "镇街监管员"
    LEADER = "leader", "分管领导"
    DUTY_OFFICER = "duty_officer", "值班员"
    ENTERPRISE_USER = "enterprise_user", "企业安全管理员"
    # 村（社区）灾害信息员 (自然灾害情况统计调查制度: villages report through them) and the village
    # committee's 村评 of relief applications; they see only their own village
    VILLAGE_OFFICER = "village_officer", "村（社区）灾害信息员"


@dataclass(frozen=True)
class Side:
    """Which side of the regulatory relation a role is on, and what follows for its accounts:
    the units they may belong to and the (core) permission that opens them."""

    name: str
    unit_fits: Callable[[models.Model], bool]
    misfit: str  # the message when a unit does not fit
    created_with: str


GOVERNMENT = Side("government", lambda unit: unit.is_government, "政府用户必须属于政府单位", "core.manage_users")
# The safety manager belongs to its enterprise's own unit; regulators open the account from the
# enterprise's page (core.create_enterprise_users), without the right to manage government users.
# A village committee is not a government office (`Organisation.is_government` stays false: no tip,
# accident or plan is handed to it), but for reporting and relief its officers are on the
# government side of the scope rule, inside their own village.
VILLAGE = Side("government", lambda unit: unit.kind == unit.Kind.VILLAGE_COMMITTEE,
               "村（社区）灾害信息员必须属于一个村（社区）委员会", "core.manage_users")
ENTERPRISE = Side("enterprise", lambda unit: unit.kind == unit.Kind.ENTERPRISE,
                  "企业安全管理员必须属于一个生产经营单位", "core.create_enterprise_users")

SIDES: dict[str, Side] = {
    Role.DISTRICT_ADMIN: GOVERNMENT, Role.DEPT_INSPECTOR: GOVERNMENT, Role.TOWN_INSPECTOR: GOVERNMENT,
    Role.LEADER: GOVERNMENT, Role.DUTY_OFFICER: GOVERNMENT, Role.ENTERPRISE_USER: ENTERPRISE,
    Role.VILLAGE_OFFICER: VILLAGE,
}
GOVERNMENT_ROLES = frozenset(role for role, side in SIDES.items() if side.name == "government")
ENTERPRISE_ROLES = frozenset(role for role, side in SIDES.items() if side is ENTERPRISE)
