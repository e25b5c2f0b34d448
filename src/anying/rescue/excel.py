""".xlsx import and export of teams, members and experts (`anying import rescue-teams FILE`, and
the import page). Every row is checked first, each bad one reported with its row, column and
reason; by default a file with any bad row imports nothing, with `valid_only` the good rows go
in. Each row goes through the same service as the forms (permission, scope, audit)."""

from __future__ import annotations

from anying.core import exports, imports
from anying.core.hooks import Register
from anying.core.imports import Report, Row
from anying.core.models import Organisation, Region
from anying.core.permissions import SYSTEM, require

from . import services
from .models import Certificate, Expert, Member, Team, expert_fields, labels, specialities, unpack


def _unit(row: Row, header: str, units: dict) -> Organisation | None:
    return imports.lookup(row, header, units, "找不到单位“{name}”，或不在您管理的范围内")


def _region(row: Row, header: str, regions: dict) -> Region | None:
    name = imports.text(row, header, True)
    found = regions.get(name, [])
    if name and not found:
        row.errors.append((header, f"找不到区划“{name}”，或不在您管理的范围内"))
    elif len(found) > 1:
        row.errors.append((header, f"区划“{name}”有重名，请写作 镇街/村（社区），如 旧县街道/{name}"))
    return found[0] if len(found) == 1 else None


def _units(actor) -> dict:
    from .forms import _units as scoped

    return {u.name: u for u in scoped(actor if actor is not SYSTEM else None)}


def _regions(actor) -> dict:
    from .forms import _regions as scoped

    out: dict[str, list] = {}
    for r in scoped(actor if actor is not SYSTEM else None).select_related("parent"):
        out.setdefault(r.name, []).append(r)
        if r.parent is not None:
            out.setdefault(f"{r.parent.name}/{r.name}", []).append(r)
    return out


def _columns(headers: list[str], required: list[str]) -> list[str]:
    return [f"{h}*" if h in required else h for h in headers]


# --- teams -----------------------------------------------------------------------------------

TEAM_HEADERS = ["队伍名称", "队伍类别", "所属队伍", "主管单位", "所在区划", "队长", "队长电话", "值班电话", "专业方向",
                "编制人数", "车辆数", "驻地地址", "驻地经度", "驻地纬度", "可供下级调度", "备注"]
TEAM_REQUIRED = ["队伍名称", "队伍类别", "主管单位", "所在区划"]


def import_teams(actor, fileobj, *, valid_only: bool = False) -> Report:
    require(actor, "rescue.import")
    rows = imports.read(fileobj, _columns(TEAM_HEADERS, TEAM_REQUIRED))
    units, regions = _units(actor), _regions(actor)
    existing = {t.name: t for t in services.editable_teams(actor).select_related("base")}
    seen: set[str] = set()

    def build(row: Row):
        name = imports.text(row, "队伍名称", True)
        if name in seen:
            row.errors.append(("队伍名称", "文件中重复"))
        seen.add(name)
        category = imports.choice(row, "队伍类别", Team.Category.choices)
        parent_name = imports.text(row, "所属队伍")
        parent = existing.get(parent_name) if parent_name else None
        if parent_name and parent is None:
            row.errors.append(("所属队伍", f"找不到队伍“{parent_name}”（须先导入上级队伍）"))
        team = existing.get(name) or Team()
        team.name, team.category, team.parent = name, category, parent
        team.owner, team.region = _unit(row, "主管单位", units), _region(row, "所在区划", regions)
        team.leader, team.leader_phone = imports.text(row, "队长", max_length=50), imports.text(row, "队长电话", max_length=40)
        team.duty_phone = imports.text(row, "值班电话", max_length=40)
        team.authorised_strength, team.vehicles = imports.integer(row, "编制人数"), imports.integer(row, "车辆数")
        team.dispatchable, team.note = imports.yes(row, "可供下级调度"), imports.text(row, "备注", max_length=1000)
        codes = imports.codes(row, "专业方向", specialities())
        base = {"address": imports.text(row, "驻地地址", max_length=300), "latitude": imports.decimal(row, "驻地纬度"),
                "longitude": imports.decimal(row, "驻地经度")}
        return team, codes, base

    def save(row: Row, item) -> bool:
        team, codes, base = item
        created = team.pk is None
        services.save_team(actor, team, speciality_codes=codes, base=base)
        return created

    return imports.apply(imports.Report("救援队伍", rows), build, save, valid_only=valid_only)


def write_teams(queryset, book: exports.Book, filters=None) -> int:
    sheet = book.sheet("救援队伍", TEAM_HEADERS, title="救援队伍", filters=filters)
    for t in queryset.select_related("parent", "owner", "region", "base"):
        sheet.append([t.name, t.get_category_display(), t.parent.name if t.parent else "", t.owner.name, t.region.name,
                      t.leader, t.leader_phone, t.duty_phone, labels(t.specialities, specialities()),
                      t.authorised_strength, t.vehicles, t.base.address if t.base else "",
                      t.base.longitude if t.base else None, t.base.latitude if t.base else None,
                      "是" if t.dispatchable else "否", t.note])
    return sheet.count


# --- members ---------------------------------------------------------------------------------

MEMBER_HEADERS = ["队伍名称", "姓名", "职务", "联系电话", "技能特长", "入队日期", "证书名称", "证书编号", "发证机关",
                  "证书有效期至"]
MEMBER_REQUIRED = ["队伍名称", "姓名"]


def import_members(actor, fileobj, *, valid_only: bool = False) -> Report:
    """One row per member, or per certificate (the member's row repeated with another 证书名称)."""
    require(actor, "rescue.import")
    rows = imports.read(fileobj, _columns(MEMBER_HEADERS, MEMBER_REQUIRED))
    teams = {t.name: t for t in services.editable_teams(actor)}

    def build(row: Row):
        name = imports.text(row, "队伍名称", True)
        team = teams.get(name)
        if name and team is None:
            row.errors.append(("队伍名称", f"找不到队伍“{name}”，或不在您管理的范围内"))
        person = imports.text(row, "姓名", True, max_length=50)
        role = imports.choice(row, "职务", Member.Role.choices, required=False) or Member.Role.MEMBER
        data = {"role": role, "phone": imports.text(row, "联系电话", max_length=40), "skills": imports.text(row, "技能特长"),
                "joined_on": imports.date(row, "入队日期")}
        cert = {"name": imports.text(row, "证书名称", max_length=100), "number": imports.text(row, "证书编号", max_length=60),
                "issuer": imports.text(row, "发证机关", max_length=100), "expires_on": imports.date(row, "证书有效期至")}
        if not cert["name"] and (cert["number"] or cert["expires_on"]):
            row.errors.append(("证书名称", "填写证书编号或有效期时须填写证书名称"))
        return team, person, data, cert

    def save(row: Row, item) -> bool:
        team, person, data, cert = item
        member = Member.objects.filter(team=team, name=person).first()
        created = member is None
        member = member or Member(team=team, name=person)
        for key, value in data.items():
            if value or key == "role":
                setattr(member, key, value)
        services.save_member(actor, member)
        if cert["name"]:
            c = Certificate.objects.filter(member=member, name=cert["name"]).first() or Certificate(member=member)
            for key, value in cert.items():
                setattr(c, key, value)
            services.save_certificate(actor, c)
        return created

    return imports.apply(imports.Report("队员", rows), build, save, valid_only=valid_only)


def write_members(queryset, book: exports.Book) -> int:
    sheet = book.sheet("队员", MEMBER_HEADERS, title="救援队员")
    for m in Member.objects.filter(team__in=queryset).select_related("team").prefetch_related("certificates"):
        certs = list(m.certificates.all()) or [None]
        for c in certs:
            sheet.append([m.team.name, m.name, m.get_role_display(), m.phone, m.skills, m.joined_on,
                          c.name if c else "", c.number if c else "", c.issuer if c else "", c.expires_on if c else None])
    return sheet.count


# --- experts ---------------------------------------------------------------------------------

EXPERT_HEADERS = ["姓名", "专业领域", "职称", "工作单位", "资格证书", "联系电话", "可派状态", "管理单位", "办公地址",
                  "办公地点经度", "办公地点纬度", "可供下级调用", "备注"]
EXPERT_REQUIRED = ["姓名", "专业领域", "管理单位"]


def import_experts(actor, fileobj, *, valid_only: bool = False) -> Report:
    """Experts are matched by name and phone (two experts may share a name)."""
    require(actor, "rescue.import")
    require(actor, "rescue.experts")
    rows = imports.read(fileobj, _columns(EXPERT_HEADERS, EXPERT_REQUIRED))
    units = _units(actor)
    existing = {(e.name, e.phone): e for e in services.editable_experts(actor).select_related("office")}

    def build(row: Row):
        name, phone = imports.text(row, "姓名", True, max_length=50), imports.text(row, "联系电话", max_length=40)
        expert = existing.get((name, phone)) or Expert()
        expert.name, expert.phone = name, phone
        expert.title, expert.employer = imports.text(row, "职称", max_length=60), imports.text(row, "工作单位")
        expert.certificates = imports.text(row, "资格证书", max_length=300)
        expert.availability = imports.choice(row, "可派状态", Expert.Availability.choices, required=False) or \
            Expert.Availability.AVAILABLE
        expert.owner = _unit(row, "管理单位", units)
        expert.dispatchable = imports.yes(row, "可供下级调用", default=True)
        expert.note = imports.text(row, "备注", max_length=1000)
        codes = imports.codes(row, "专业领域", expert_fields())
        if codes == []:
            row.errors.append(("专业领域", "必填"))
        office = {"address": imports.text(row, "办公地址", max_length=300), "latitude": imports.decimal(row, "办公地点纬度"),
                  "longitude": imports.decimal(row, "办公地点经度")}
        return expert, codes, office

    def save(row: Row, item) -> bool:
        expert, codes, office = item
        created = expert.pk is None
        services.save_expert(actor, expert, field_codes=codes, office=office)
        return created

    return imports.apply(imports.Report("专家", rows), build, save, valid_only=valid_only)


def write_experts(queryset, book: exports.Book, filters=None) -> int:
    sheet = book.sheet("专家", EXPERT_HEADERS, title="专家库", filters=filters)
    for e in queryset.select_related("owner", "office"):
        sheet.append([e.name, labels(e.fields, expert_fields()), e.title, e.employer, e.certificates, e.phone,
                      e.get_availability_display(), e.owner.name, e.office.address if e.office else "",
                      e.office.longitude if e.office else None, e.office.latitude if e.office else None,
                      "是" if e.dispatchable else "否", e.note])
    return sheet.count


def template(kind: str) -> bytes:
    headers, required, sample = {
        "teams": (TEAM_HEADERS, TEAM_REQUIRED, ["旧县街道专职救援队", "中心镇（街）专职救援队", "", "旧县街道应急办", "旧县街道",
                                                "张队长", "13800000000", "023-00000000", "火灾扑救、水域救援", 20, 2,
                                                "旧县街道某路1号", 106.05, 29.80, "否", ""]),
        "members": (MEMBER_HEADERS, MEMBER_REQUIRED, ["旧县街道专职救援队", "李队员", "队员", "13900000000", "水域救援",
                                                      "2024-03-01", "救援员证", "JY-0001", "某培训机构", "2027-03-01"]),
        "experts": (EXPERT_HEADERS, EXPERT_REQUIRED, ["王专家", "危险化学品、有限空间作业", "高级工程师", "某化工设计院",
                                                      "注册安全工程师", "13700000000", "可派", "区应急局", "", None, None,
                                                      "是", ""]),
    }[kind]
    return imports.template(_columns(headers, required), sample)


def _exporter(write, model_qs):
    def export(actor, target) -> int:
        book = exports.Book()
        count = write(model_qs(actor), book)
        book.save(target)
        return count
    return export


REGISTERS = [
    Register("rescue-teams", "救援队伍", import_teams,
             _exporter(write_teams, lambda a: Team.objects.all() if a is SYSTEM else Team.objects.visible_to(a))),
    Register("rescue-members", "救援队员", import_members,
             _exporter(write_members, lambda a: Team.objects.all() if a is SYSTEM else Team.objects.visible_to(a))),
    Register("rescue-experts", "专家库", import_experts,
             _exporter(write_experts, lambda a: Expert.objects.all() if a is SYSTEM else Expert.objects.visible_to(a))),
]
KINDS = [imports.Kind("teams", "救援队伍", import_teams, lambda: template("teams")),
         imports.Kind("members", "救援队员", import_members, lambda: template("members")),
         imports.Kind("experts", "专家", import_experts, lambda: template("experts"))]
__all__ = ["KINDS", "REGISTERS", "template", "unpack"]
