"""Permissions registered per app (issue #12 point 7): the same rights as the one table they
replaced, unknown codes refused loudly, every code named in the source registered, no role
comparisons outside the registrations, the workflow tables and the scope functions, and the
table in docs/architecture.md generated from the code."""

import ast
import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from anying.core import navigation, permissions, workqueue
from anying.core.hooks import ENTERPRISE_ACTIONS, ENTERPRISE_TABS
from anying.core.permissions import (
    SYSTEM,
    UnknownPermission,
    matrix,
    matrix_markdown,
    register_permissions,
    require,
    role_has,
    roles_with,
)
from anying.core.roles import SIDES, Role

SRC = Path(__file__).resolve().parents[2] / "src" / "anying"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"

# core/roles.py's PERMISSIONS table as it stood before the apps registered their own codes,
# frozen here: the registrations must give every role exactly these rights ...
BEFORE = {
    "district_admin": [
        "accidents.record", "core.create_enterprise_users", "core.manage_units", "core.manage_users",
        "core.view_audit", "hazards.act", "inspections.approve", "inspections.inspect", "inspections.manage",
        "inspections.plan", "keytasks.manage", "keytasks.report", "oversight.configure", "oversight.view",
        "registry.edit", "registry.export", "registry.import", "registry.view", "reports.generate", "risk.assess",
        "tips.approve_reward", "tips.assign", "tips.configure", "tips.handle", "tips.reward", "tips.view",
        "tips.view_contact"],
    "dept_inspector": [
        "accidents.record", "core.create_enterprise_users", "hazards.act", "inspections.inspect",
        "inspections.manage", "inspections.plan", "keytasks.report", "oversight.view", "registry.edit",
        "registry.export", "registry.import", "registry.view", "reports.generate", "risk.assess", "tips.handle",
        "tips.view"],
    "town_inspector": [
        "accidents.record", "core.create_enterprise_users", "hazards.act", "inspections.inspect",
        "inspections.manage", "inspections.plan", "keytasks.report", "oversight.view", "registry.edit",
        "registry.export", "registry.import", "registry.view", "reports.generate", "risk.assess", "tips.handle",
        "tips.view"],
    "leader": ["inspections.approve", "oversight.view", "registry.export", "registry.view", "reports.generate",
               "tips.approve_reward", "tips.view"],
    "duty_officer": ["oversight.view", "registry.view", "tips.assign", "tips.handle", "tips.view",
                     "tips.view_contact"],
    "enterprise_user": ["core.manage_own_accounts", "hazards.act", "registry.edit_own", "registry.view", "risk.assess"],
    "village_officer": [],  # the role came with issue #18: every right it holds is listed in ADDED
}
# ... plus the codes that replaced a role comparison or a code borrowed from another app, each held
# by exactly the roles the comparison named or the borrowed code's holders.
GOVERNMENT = ["district_admin", "dept_inspector", "town_inspector", "leader", "duty_officer"]
INSPECTORS = ["district_admin", "dept_inspector", "town_inspector"]
ADDED = {
    "standards.view": GOVERNMENT + ["enterprise_user", "village_officer"],  # was registry.view; every role reads it
    "registry.oversee": GOVERNMENT,  # was oversight.view, an app above registry
    "registry.configure": ["district_admin"],  # was oversight.configure
    "hazards.supervise": INSPECTORS,  # was `role in INSPECTOR_ROLES` / GOVERNMENT_ROLES with hazards.act
    "hazards.self_inspect": ["enterprise_user"],  # was `role == ENTERPRISE_USER` and hazards.act
    "inspections.manage_territory": ["district_admin"],  # was `role == DISTRICT_ADMIN`
    "core.configure_clocks": ["district_admin"],  # new: the 期限与升级规则 page (core.clock)
    # new: the supplies ledger (issue #14, supplies/permissions.py)
    "supplies.view": GOVERNMENT, "supplies.keep": INSPECTORS,
    "supplies.request": INSPECTORS + ["duty_officer"], "supplies.approve": ["district_admin", "leader"],
    # new modules (issue #14): every government role reads the map; the district and towns keep shelters
    "places.map": GOVERNMENT,
    "places.edit": ["district_admin", "town_inspector"],
    # rescue teams and experts (issue #14): every government role reads them, an enterprise its own team
    "rescue.view": GOVERNMENT + ["enterprise_user"],
    "rescue.edit": INSPECTORS, "rescue.training": INSPECTORS, "rescue.guidance": INSPECTORS,
    "rescue.standby": INSPECTORS + ["duty_officer", "enterprise_user"],
    "rescue.assess": ["district_admin"], "rescue.import": ["district_admin", "town_inspector"],
    "rescue.experts_view": GOVERNMENT, "rescue.experts": ["district_admin", "dept_inspector"],
    # duty (issue #15): every government role reads; desks keep and log their own; the district configures
    "duty.view": GOVERNMENT, "duty.keep": INSPECTORS + ["duty_officer"], "duty.log": INSPECTORS + ["duty_officer"],
    "duty.approve": ["district_admin", "leader"], "duty.check": ["district_admin", "leader", "duty_officer"],
    "duty.configure": ["district_admin"],
    # incidents (issue #15): desks take and report; the district and the duty desk flag 迟报/瞒报; the district sets rules
    "incidents.view": GOVERNMENT, "incidents.take": INSPECTORS + ["duty_officer"],
    "incidents.flag": ["district_admin", "leader", "duty_officer"], "incidents.configure": ["district_admin"],
    # plans and drills (issue #15): every role reads (an enterprise its own); units and enterprises keep their
    # own; the level above reviews and files; the district sets the local defaults
    "plans.view": GOVERNMENT + ["enterprise_user"], "drills.view": GOVERNMENT + ["enterprise_user"],
    "plans.edit": INSPECTORS + ["enterprise_user"], "drills.edit": INSPECTORS + ["enterprise_user"],
    "drills.evaluate": INSPECTORS + ["enterprise_user"], "plans.review": ["district_admin", "dept_inspector", "leader"],
    "plans.configure": ["district_admin"],
    # monitoring (issue #16): every role reads (an enterprise its own); enterprises and inspectors register
    "monitoring.view": GOVERNMENT + ["enterprise_user"], "monitoring.edit": INSPECTORS + ["enterprise_user"],
    # alarms: the enterprise acknowledges and handles its own; the supervising units and the duty desk confirm 消警
    "monitoring.alarm": ["enterprise_user"], "monitoring.clear": INSPECTORS + ["duty_officer"],
    # 包保责任人 (issue #16 point 2): their 履职 records are the enterprise's to enter
    "monitoring.duty": ["enterprise_user"],
    # warnings (issue #17): every role reads (an enterprise those over it); units and the duty desk write; the
    # district and the leader sign off; the towns and the duty desk make 叫应 calls and report measures
    "warning.view": GOVERNMENT + ["enterprise_user"], "warning.edit": INSPECTORS + ["duty_officer"],
    "warning.issue": ["district_admin", "leader"], "warning.contacts": INSPECTORS,
    "warning.call": ["district_admin", "town_inspector", "duty_officer"],
    "warning.measure": ["district_admin", "town_inspector", "duty_officer"],
    # 森林防火 (issue #17 point 5): every government role reads; the district sets levels, seasons and bans and
    # approves fire use; towns keep checkpoints and rangers, take applications and check fires; the duty desk
    # records reports and checks
    "forestfire.view": GOVERNMENT, "forestfire.level": ["district_admin", "dept_inspector"],
    "forestfire.manage": INSPECTORS, "forestfire.patrol": INSPECTORS + ["duty_officer"],
    "forestfire.apply": ["district_admin", "town_inspector"],
    "forestfire.approve": ["district_admin", "dept_inspector", "leader"],
    "forestfire.check": INSPECTORS + ["duty_officer"],
    # risk points and evacuation (issue #17 point 3): every government role reads; the district, departments and
    # towns keep the ledger; the district, departments and the leader close (销号, not the requester); the district,
    # towns and the duty desk run evacuations; the district, departments and towns patrol
    "riskpoints.view": GOVERNMENT, "riskpoints.edit": INSPECTORS,
    "riskpoints.close": ["district_admin", "dept_inspector", "leader"],
    "riskpoints.evacuate": ["district_admin", "town_inspector", "duty_officer"], "riskpoints.patrol": INSPECTORS,
    # issue #18: disaster reporting; the village 灾害信息员 reports their village and sees the events over it
    "disasters.view": GOVERNMENT + ["village_officer"], "disasters.village": ["village_officer"],
    "disasters.manage": ["district_admin", "duty_officer"],
    "disasters.report": ["district_admin", "town_inspector"],
    "disasters.review": ["district_admin", "duty_officer"],
    "disasters.relief": ["district_admin", "town_inspector", "duty_officer"],
    # 冬春救助, donations and funds (issue #18 points 4, 6, 7): the district, towns, the leader and the village
    # officers read (departments do not: ID numbers and accounts); each step is one level's — the village files and
    # reviews, the town reviews and posts the notice, the district and the leader decide, the district pays
    "relief.view": ["district_admin", "town_inspector", "leader", "village_officer"],
    "relief.manage": ["district_admin"], "relief.village_review": ["village_officer"],
    "relief.town_review": ["town_inspector"], "relief.decide": ["district_admin", "leader"],
    "relief.pay": ["district_admin"], "relief.donations": ["district_admin", "town_inspector"],
    "relief.funds": ["district_admin"], "relief.fund_use": ["district_admin", "town_inspector"],
    # 倒损住房 (issue #18 point 5): every government role and the village officer (own village) read; the village
    # and the town record; the town approves plans and accepts works; the district pays, sets the standard and
    # exports full ID numbers
    "houses.view": GOVERNMENT + ["village_officer"], "houses.record": ["town_inspector", "village_officer"],
    "houses.approve": ["town_inspector"], "houses.pay": ["district_admin"], "houses.configure": ["district_admin"],
    "houses.view_id": ["district_admin"],
    # issue #19: campaigns are run by the district, departments and towns and read by them, the leader and the
    # enterprises they are handed down to; stoppages are ordered and checked by inspectors, applied for by the
    # enterprise; the monthly report is confirmed by the enterprise and read by every government role but the duty desk
    "campaigns.view": ["district_admin", "dept_inspector", "town_inspector", "leader", "enterprise_user"],
    "campaigns.manage": INSPECTORS,
    "stoppages.view": GOVERNMENT + ["enterprise_user"], "stoppages.manage": INSPECTORS,
    "stoppages.apply": ["enterprise_user"],
    "monthly.view": ["district_admin", "dept_inspector", "town_inspector", "leader", "enterprise_user"],
    "monthly.confirm": ["enterprise_user"],
    # 特殊作业票 (issue #19 point 2): the enterprise writes and approves its own (another account approves);
    # every government role reads
    "permits.view": GOVERNMENT + ["enterprise_user"], "permits.write": ["enterprise_user"],
    "permits.approve": ["enterprise_user"],
    # 安全生产费用 (issue #19 point 4): the enterprise keeps its own ledger; the town, departments, district and
    # leader read the rate against the standard
    "spending.view": ["district_admin", "dept_inspector", "town_inspector", "leader", "enterprise_user"],
    "spending.record": ["enterprise_user"],
    # 信用监管 (issue #19 point 6): the deciding unit proposes, another person decides (the district, the
    # leader), the district and the departments publish; the town reads, an enterprise reads its own entries
    "credit.view": ["district_admin", "dept_inspector", "town_inspector", "leader", "enterprise_user"],
    "credit.propose": ["district_admin", "dept_inspector"], "credit.approve": ["district_admin", "leader"],
    "credit.publish": ["district_admin", "dept_inspector"],
    # issue #19 points 3 and 8: the enterprise keeps its training archive and its mine's on-site register;
    # the district, departments, towns and leaders read them
    "training.view": ["district_admin", "dept_inspector", "town_inspector", "leader", "enterprise_user"],
    "training.record": ["enterprise_user"],
    "onsite.view": ["district_admin", "dept_inspector", "town_inspector", "leader", "enterprise_user"],
    "onsite.record": ["enterprise_user"],
}


def test_every_role_keeps_exactly_its_rights():
    now = matrix()
    assert {role: [c for c in codes if c not in ADDED] for role, codes in now.items()} == BEFORE
    assert {code: roles_with(code) for code in ADDED} == ADDED


def test_an_unknown_code_is_an_error_not_a_silent_denial(users):
    admin = users["admin"]
    admin.is_superuser = True
    for check in (lambda: require(admin, "registry.edti"), lambda: require(SYSTEM, "registry.edti"),
                  lambda: admin.has_perm_code("registry.edti"), lambda: role_has(Role.LEADER, "nope"),
                  lambda: roles_with("nope")):
        with pytest.raises(UnknownPermission, match="registry.edti|nope"):
            check()
    assert admin.has_perm_code("registry.edit") and not users["leader"].has_perm_code("registry.edit")


def test_an_unknown_code_in_a_menu_entry_fails_the_page(users, login, monkeypatch):
    monkeypatch.setattr(navigation, "MENU", [*navigation.MENU, navigation.MenuEntry("错", "home", "x", "registry.veiw")])
    with pytest.raises(UnknownPermission):
        login(users["leader"]).get(reverse("enterprise_list"))


def test_registration_rules(monkeypatch):
    monkeypatch.setattr(permissions, "_APPS", dict(permissions._APPS))
    with pytest.raises(ImproperlyConfigured, match="registered by 'registry'"):
        register_permissions("emergency", {"registry.view": "抢注"}, grants={})
    with pytest.raises(ImproperlyConfigured, match="does not register"):
        register_permissions("emergency", {"emergency.view": "查看"}, grants={Role.LEADER: {"tips.view"}})
    with pytest.raises(ImproperlyConfigured, match="unknown role"):
        register_permissions("emergency", {"emergency.view": "查看"}, grants={"mayor": {"emergency.view"}})
    register_permissions("emergency", {"emergency.view": "查看", "emergency.plan": "预案"},
                         grants={Role.DUTY_OFFICER: {"emergency.view"}})
    register_permissions("emergency", {"emergency.view": "查看"}, grants={Role.LEADER: {"emergency.view"}})
    assert roles_with("emergency.view") == ["leader"]  # registering again replaces
    with pytest.raises(UnknownPermission):
        roles_with("emergency.plan")


def test_menus_record_actions_and_roles_name_registered_codes():
    for perm in ([e.perm for e in navigation.MENU if e.perm] + [a.perm for a in ENTERPRISE_ACTIONS]
                 + [side.created_with for side in SIDES.values()] + [t.perm for t in ENTERPRISE_TABS.values()]
                 + [code for s in workqueue.SOURCES for code in ((s.perm,) if isinstance(s.perm, str) else s.perm)]):
        permissions.check_known(perm)


# --- every code named in the source tree is registered -------------------------------------------

# call → index of the positional argument that is a permission code (or its keyword)
CODE_ARGUMENT = {"require": 1, "has_perm_code": 0, "perm_required": 0, "roles_with": 0, "role_has": 1,
                 "check_known": 0, "MenuEntry": 3, "RecordAction": 3, "WorkSource": 6, "EnterpriseTab": 2}
# where a code is a variable: the mechanism itself and its generic users
VARIABLE_CODES = {"core/permissions.py", "core/views.py", "core/navigation.py", "core/workqueue.py", "core/models.py", "registry/views.py",
                  "tips/services.py", "core/services.py",
                  # the shared machinery takes codes from the lifecycle tables and recipient groups;
                  # test_workflow_engine checks every code a table names is registered
                  "core/workflow.py", "core/recipients.py",
                  "core/scope.py",  # scope variants take the code a model names (all_industries_perm …)
                  # map layers carry their code (tests/places/test_map.py checks every layer's is registered)
                  "places/layers.py", "places/views.py"}


def _python_files():
    return [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]


def _module_constants() -> dict[tuple[str, str], str]:
    """(module file stem, NAME) → value of each module-level string constant, e.g. accidents.PERM."""
    constants = {}
    for path in _python_files():
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) \
                    and isinstance(node.value.value, str):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        constants[(path.stem, target.id)] = node.value.value
    return constants


def _call_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def codes_named_in_source() -> tuple[list[tuple[str, int, str]], list[str]]:
    """[(file, line, code)] for every code given to a permission check, and the places where the
    code is a variable."""
    constants, found, variable = _module_constants(), [], []
    for path in _python_files():
        rel = str(path.relative_to(SRC))
        for call in ast.walk(ast.parse(path.read_text())):
            if not isinstance(call, ast.Call) or _call_name(call) not in CODE_ARGUMENT:
                continue
            index = CODE_ARGUMENT[_call_name(call)]
            arg = next((k.value for k in call.keywords if k.arg in ("code", "perm")), None)
            if arg is None and len(call.args) > index:
                arg = call.args[index]
            if arg is None or (isinstance(arg, ast.Constant) and arg.value is None):
                continue
            if isinstance(arg, ast.Constant):
                found.append((rel, call.lineno, arg.value))
            elif isinstance(arg, ast.Name) and (path.stem, arg.id) in constants:
                found.append((rel, call.lineno, constants[(path.stem, arg.id)]))
            elif isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name) \
                    and (arg.value.id, arg.attr) in constants:
                found.append((rel, call.lineno, constants[(arg.value.id, arg.attr)]))
            elif isinstance(arg, ast.Tuple) and all(isinstance(e, ast.Constant) for e in arg.elts):  # any of these
                found += [(rel, call.lineno, e.value) for e in arg.elts]
            elif isinstance(arg, ast.IfExp):  # a choice between two literals
                found += [(rel, call.lineno, side.value) for side in (arg.body, arg.orelse)
                          if isinstance(side, ast.Constant)]
            else:
                variable.append(rel)
    return found, variable


def test_every_code_named_in_the_source_is_registered():
    found, variable = codes_named_in_source()
    known = set(permissions.all_codes())
    assert len(found) > 200  # the scan sees the checks (a sanity bound, not a pinned count)
    assert [f"{file}:{line} {code}" for file, line, code in found if code not in known] == []
    assert set(variable) <= VARIABLE_CODES, "a permission code in a variable: name the code itself"


def test_the_scan_sees_checks_through_constants_and_menus():
    found, _ = codes_named_in_source()
    seen = {(file, code) for file, _, code in found}
    assert ("oversight/views_accidents.py", "accidents.record") in seen  # accidents.PERM
    assert ("hazards/apps.py", "hazards.act") in seen  # MenuEntry and RecordAction
    assert ("standards/apps.py", "standards.view") in seen


# --- no role comparisons outside the registrations --------------------------------------------

# Where a role may still be compared with, as file → the functions ("Class.method"), or None for
# the whole file. Stale entries fail the test, so the list shrinks as the code does.
ALLOWED = {
    # the role definitions and the permission registrations
    "core/roles.py": None, "core/permissions.py": None,
    **{f"{app}/permissions.py": None for app in ("standards", "registry", "hazards", "inspections", "tips",
                                                  "oversight", "supplies")},
    # the workflow tables (being ported onto core's workflow engine)
    "hazards/workflow.py": None, "tips/workflow.py": None,
    # the one scope implementation
    "core/scope.py": None,
}
LOOKUPS = {"filter", "exclude", "get", "Q"}


def _names_a_role(node: ast.AST) -> bool:
    """`Role.X`, a role's value as a string, or a set of roles (`GOVERNMENT_ROLES`)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == "Role":
            return True
        if isinstance(sub, ast.Constant) and sub.value in Role.values:
            return True
        if isinstance(sub, (ast.Name, ast.Attribute)) and getattr(sub, "id", getattr(sub, "attr", "")).endswith("_ROLES"):
            return True
    return False


def _is_a_role(node: ast.AST) -> bool:
    """`x.role` or `getattr(x, "role", …)`."""
    if isinstance(node, ast.Attribute) and node.attr == "role":
        return True
    return isinstance(node, ast.Call) and _call_name(node) == "getattr" and len(node.args) > 1 \
        and isinstance(node.args[1], ast.Constant) and node.args[1].value == "role"


class RoleComparisons(ast.NodeVisitor):
    def __init__(self):
        self.stack, self.found = [], []

    def _scoped(self, node):
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped

    def _report(self, node):
        self.found.append((".".join(self.stack), node.lineno))

    def visit_Compare(self, node):
        operands = [node.left, *node.comparators]
        if any(_is_a_role(o) or _names_a_role(o) for o in operands):
            self._report(node)
        self.generic_visit(node)

    def visit_Call(self, node):
        for keyword in node.keywords:
            lookup = keyword.arg and (keyword.arg.startswith("role__") or
                                      (keyword.arg == "role" and _call_name(node) in LOOKUPS))
            if lookup and _names_a_role(keyword.value):
                self._report(node)
        self.generic_visit(node)


def role_comparisons() -> list[str]:
    found = []
    for path in _python_files():
        rel = str(path.relative_to(SRC))
        allowed = ALLOWED.get(rel, set())
        if allowed is None:
            continue
        visitor = RoleComparisons()
        visitor.visit(ast.parse(path.read_text()))
        found += [f"{rel}:{line} in {where or 'module'}" for where, line in visitor.found
                  if not any(where == f or where.startswith(f + ".") for f in allowed)]
    for path in SRC.rglob("*.html"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\.role\s*(==|!=|in\b|not in\b)", line):
                found.append(f"{path.relative_to(SRC)}:{number}")
    return found


def test_no_role_comparisons_outside_the_registrations():
    assert role_comparisons() == [], "compare permissions (has_perm_code / require), not roles"


def test_the_role_scan_catches_each_form(tmp_path):
    source = '''
def f(user, qs):
    a = user.role == Role.LEADER
    b = request.user.role in ("district_admin", "leader")
    c = getattr(user, "role", "") != "enterprise_user"
    d = role in GOVERNMENT_ROLES
    e = qs.filter(role__in=[Role.DEPT_INSPECTOR])
    g = Q(role=Role.TOWN_INSPECTOR)
    ok = create_user(role=Role.LEADER), qs.filter(role=role), user.role_label
'''
    visitor = RoleComparisons()
    visitor.visit(ast.parse(source))
    assert [line for _, line in visitor.found] == [3, 4, 5, 6, 7, 8]


def test_the_allowed_places_still_exist():
    for rel, functions in ALLOWED.items():
        path = SRC / rel
        assert path.exists(), f"{rel} is gone: remove it from ALLOWED"
        if functions:
            visitor = RoleComparisons()
            visitor.visit(ast.parse(path.read_text()))
            assert functions <= {where for where, _ in visitor.found}, \
                f"{rel}: {functions} compare no roles any more: remove them from ALLOWED"


# --- the table in docs/architecture.md ---------------------------------------------------------

BEGIN, END = "<!-- permissions table: generated by core.permissions.matrix_markdown() -->", "<!-- end of permissions table -->"


def test_the_docs_table_is_generated_from_the_registrations():
    text = DOCS.read_text()
    assert BEGIN in text and END in text
    table = text.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n") + "\n"
    assert table == matrix_markdown(), "regenerate it: anying permissions"


def test_the_table_marks_each_holder():
    rows = {line.split("|")[1].strip(" `"): line for line in matrix_markdown().splitlines()[2:]}
    assert len(rows) == len(permissions.all_codes())
    tips_assign = [cell.strip() for cell in rows["tips.assign"].split("|")[4:-1]]
    assert tips_assign == ["✓" if role in ("district_admin", "duty_officer") else "" for role in Role.values]


# --- the distinctions that replaced role comparisons -----------------------------------------

def test_todo_page_speaks_to_each_side(users, login, make_enterprise, enterprise_user):
    owner = enterprise_user(make_enterprise())
    own, town = (login(u).get(reverse("todo")).content.decode() for u in (owner, users["jiuxian"]))
    assert "待整改的隐患" in own and "待复查的隐患" not in own
    assert "待复查的隐患" in town and "待整改的隐患" not in town


def test_only_the_supervising_side_builds_checklists_from_criteria(users, make_enterprise, enterprise_user):
    from anying.core.errors import PermissionDenied
    from anying.hazards import checklists
    from anying.standards.models import CriteriaSet

    criteria = CriteriaSet.objects.first()
    with pytest.raises(PermissionDenied, match="由监管部门维护"):
        checklists.build_from_criteria(enterprise_user(make_enterprise()), criteria)
    assert checklists.build_from_criteria(users["jiuxian"], criteria).owner == users["jiuxian"].unit


def test_the_side_of_a_user(users, make_enterprise, enterprise_user):
    from django.contrib.auth.models import AnonymousUser

    from anying.core.permissions import is_enterprise_user

    assert is_enterprise_user(enterprise_user(make_enterprise()))
    assert not any(is_enterprise_user(u) for u in [*users.values(), SYSTEM, AnonymousUser()])


@pytest.mark.parametrize("role, unit, message", [
    ("enterprise_user", "区应急局", "企业安全管理员必须属于一个生产经营单位"),
    ("leader", "enterprise", "政府用户必须属于政府单位"),
    ("mayor", "区应急局", "未知角色"),
])
def test_each_role_belongs_to_its_side_of_units(users, make_enterprise, role, unit, message):
    from django.core.exceptions import ValidationError

    from anying.core.models import Organisation
    from anying.core.services import create_user

    unit = make_enterprise().organisation if unit == "enterprise" else Organisation.objects.get(name=unit)
    with pytest.raises(ValidationError, match=message):
        create_user(SYSTEM, username="new", password="Ab-12345678", role=role, unit=unit)
