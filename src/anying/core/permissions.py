"""Permission codes: what a role may do. Scope (core/scope.py) says *which* records; a permission
says *what* may be done with them.

Each app registers its own codes, with a Chinese description and the roles that hold them, from
its `AppConfig.ready()` (`<app>/permissions.py`); core registers only its own. Services check a
code with `require(user, code)`, views with `perm_required(code)` or `user.has_perm_code(code)`,
menu entries and record actions name one. A code nobody registered raises `UnknownPermission`
wherever it is checked, so a typo fails loudly instead of silently denying; a test checks that
every code named in the source tree is registered.

The few decisions that depend on which side of the regulatory relation a user is on rather than
on a right (an enterprise user's form shows only the fields it keeps, its home page is its own
enterprise) use the helpers at the end of this module, not role comparisons.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from .errors import PermissionDenied
from .roles import ENTERPRISE_ROLES, Role

# Services take the acting user. `SYSTEM` (None) is the platform itself — migrations, the demo
# loader, `anying tick` and command-line provisioning — which has every right. Web views and the
# API always pass request.user, which is never None.
SYSTEM = None


class UnknownPermission(LookupError):
    """A permission code no app registered (a typo, or an app that is not installed)."""


@dataclass(frozen=True)
class AppPermissions:
    labels: dict[str, str]  # code → what it allows, in Chinese
    grants: dict[str, frozenset[str]]  # role → the codes of this app it holds


# app label → its registration, in the order the apps became ready
_APPS: dict[str, AppPermissions] = {}


def register_permissions(app_label: str, codes: dict[str, str], grants: dict[str, Iterable[str]]) -> None:
    """Register an app's permission codes ({code: 中文说明}) and which roles hold them. An app
    grants only its own codes; registering the same app again replaces its entry."""
    for code in codes:
        owner = _owner(code)
        if owner not in (None, app_label):
            raise ImproperlyConfigured(f"permission {code!r} is registered by {owner!r} already")
    for role, granted in grants.items():
        if role not in Role.values:
            raise ImproperlyConfigured(f"{app_label} grants permissions to an unknown role {role!r}")
        foreign = set(granted) - set(codes)
        if foreign:
            raise ImproperlyConfigured(f"{app_label} grants codes it does not register: {sorted(foreign)}")
    _APPS[app_label] = AppPermissions(dict(codes), {str(role): frozenset(granted) for role, granted in grants.items()})


def _owner(code: str) -> str | None:
    return next((label for label, app in _APPS.items() if code in app.labels), None)


def check_known(code: str) -> None:
    if _owner(code) is None:
        raise UnknownPermission(f"unknown permission code {code!r}: register it in its app's permissions.py")


def role_has(role: str, code: str) -> bool:
    check_known(code)
    return any(code in app.grants.get(role, ()) for app in _APPS.values())


def roles_with(code: str) -> list[str]:
    """The roles holding `code`, in the order of `Role` (for querying the users who hold it)."""
    return [role for role in Role.values if role_has(role, code)]


def require(user, code: str, message: str = "无权执行此操作") -> None:
    check_known(code)
    if user is SYSTEM:
        return
    if not user.has_perm_code(code):
        raise PermissionDenied(message)


# --- the matrix, for docs/architecture.md -------------------------------------------------------

def matrix() -> dict[str, list[str]]:
    """role → the codes it holds, sorted."""
    return {role: sorted(code for code in all_codes() if role_has(role, code)) for role in Role.values}


def all_codes() -> list[str]:
    return [code for app in _APPS.values() for code in app.labels]


def matrix_markdown() -> str:
    """Every registered code with its app, description and roles, as the Markdown table that
    docs/architecture.md holds (a test keeps the two equal)."""
    lines = ["| code | app | allows | " + " | ".join(Role.values) + " |",
             "|---|---|---|" + ":-:|" * len(Role.values)]
    for app_label, app in _APPS.items():
        for code, label in app.labels.items():
            marks = " | ".join("✓" if code in app.grants.get(role, ()) else "" for role in Role.values)
            lines.append(f"| `{code}` | {app_label} | {label} | {marks} |")
    return "\n".join(lines) + "\n"


# --- sides, where a right does not fit ----------------------------------------------------------

def is_enterprise_user(user) -> bool:
    """The user works for an enterprise (its safety manager) rather than for a regulator. For what
    follows from the side itself — which fields an editor offers, where the home page leads, the
    limits on what an enterprise may do to its own records — not for granting a right."""
    return user is not SYSTEM and getattr(user, "role", None) in ENTERPRISE_ROLES  # None: anonymous


# --- core's own codes ---------------------------------------------------------------------------

def register() -> None:
    # Only the district admin (区安委办) keeps the regions, units and government accounts of its
    # territory and reads their audit log; inspectors open the accounts of the enterprises they
    # supervise, from the enterprise's page.
    register_permissions("core", {
        "core.manage_units": "维护本辖区的行政区划和政府单位",
        "core.manage_users": "管理本辖区的政府用户账号",
        "core.view_audit": "查看本辖区用户的审计日志",
        "core.configure_clocks": "修改本辖区的期限与升级规则（逾期升级阶梯、答复期限等）",
        "core.create_enterprise_users": "为辖区内企业开通企业账号",
        # An enterprise keeps its own further accounts (the 主要负责人's, who closes what the
        # safety manager submitted, 自查自改) without any right over government accounts.
        "core.manage_own_accounts": "为本企业开通、停用其他企业账号（如主要负责人）并重置其密码",
    }, grants={
        Role.DISTRICT_ADMIN: {"core.manage_units", "core.manage_users", "core.view_audit",
                              "core.create_enterprise_users", "core.configure_clocks"},
        Role.DEPT_INSPECTOR: {"core.create_enterprise_users"},
        Role.TOWN_INSPECTOR: {"core.create_enterprise_users"},
        Role.ENTERPRISE_USER: {"core.manage_own_accounts"},
    })
