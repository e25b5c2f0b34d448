""".xlsx import and export of teams, members and experts (`anying import rescue-teams FILE`, and
the import page). Every row is checked first, each bad one reported with its row, column and
reason; by default a file with any bad row imports nothing, with `valid_only` the good rows go
in. Each row goes through the same service as the forms (permission, scope, audit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from anying.core import exports, xlsx_reader
from anying.core.errors import ImportFileError, PermissionDenied
from anying.core.hooks import Register
from anying.core.models import Organisation, Region
from anying.core.permissions import SYSTEM, require

from . import services
from .models import Certificate, Expert, Member, Team, expert_fields, labels, specialities, unpack

MAX_ROWS = 5_000


@dataclass
class Row:
    row: int
    values: dict
    errors: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Report:
    label: str
    rows: list[Row]
    created: int = 0
    updated: int = 0
    applied: bool = False

    @property
    def bad_rows(self):
        return [r for r in self.rows if r.errors]

    def error_lines(self) -> list[str]:
        return [f"第 {r.row} 行 [{col}] {reason}" for r in self.bad_rows for col, reason in r.errors]

    def summary(self) -> str:
        if not self.applied:
            return f"文件共 {len(self.rows)} 行，其中 {len(self.bad_rows)} 行有错误，未导入任何数据。"
        text = f"{self.label}：新增 {self.created} 条，更新 {self.updated} 条"
        if self.bad_rows:
            text += f"，跳过有错误的 {len(self.bad_rows)} 行"
        return text + "。"


def read(fileobj, headers: list[str], required: list[str]) -> list[Row]:
    try:
        wb = xlsx_reader.open_workbook(fileobj, max_rows=MAX_ROWS)
        rows = xlsx_reader.rows(wb.worksheets[0], max_rows=MAX_ROWS)
        number, header = next(rows, (None, None))
        if exports.is_title_row(header):
            number, header = next(rows, (None, None))
        if header is None:
            raise ImportFileError("文件为空：第一行应为列标题。")
        names = [str(h).strip().rstrip("*") if h is not None else "" for h in header]
        missing = [h for h in required if h not in names]
        if missing:
            raise ImportFileError(f"缺少必填列：{'、'.join(missing)}。请使用导入模板。")
        unknown = [h for h in names if h and h not in headers]
        if unknown:
            raise ImportFileError(f"无法识别的列：{'、'.join(unknown)}。请使用导入模板。")
        out = [Row(n, {h: v for h, v in zip(names, values, strict=False) if h}) for n, values in rows
               if not all(v is None or str(v).strip() == "" for v in values)]
        wb.close()
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged file can fail anywhere inside openpyxl
        raise ImportFileError("无法读取文件：请上传 Excel .xlsx 文件（可先下载导入模板）。") from exc
    if not out:
        raise ImportFileError("文件中没有数据行。")
    return out


def _text(row: Row, header: str, required=False, max_length=200) -> str:
    value = row.values.get(header)
    text = "" if value is None else str(value).strip()
    if required and not text:
        row.errors.append((header, "必填"))
    elif len(text) > max_length:
        row.errors.append((header, f"不能超过 {max_length} 字"))
    return text[:max_length]


def _int(row: Row, header: str, default=0) -> int:
    value = row.values.get(header)
    if value in (None, ""):
        return default
    try:
        number = int(Decimal(str(value).strip()))
        if not 0 <= number <= 1_000_000:
            raise ValueError
        return number
    except (InvalidOperation, ValueError, OverflowError):
        row.errors.append((header, "应为不小于0的整数"))
        return default


def _date(row: Row, header: str) -> dt.date | None:
    value = row.values.get(header)
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        row.errors.append((header, "日期格式应为 2026-01-31"))
        return None


def _choice(row: Row, header: str, choices, required=True):
    text = _text(row, header, required)
    if not text:
        return None
    by_label = {str(label): value for value, label in choices}
    if text in by_label:
        return by_label[text]
    if text in {value for value, _ in choices}:
        return text
    row.errors.append((header, f"应为：{'、'.join(by_label)}"))
    return None


def _codes(row: Row, header: str, choices) -> list[str] | None:
    text = _text(row, header)
    if not text:
        return []
    by_label = {str(label): value for value, label in choices}
    parts = [p.strip() for p in text.replace("，", "、").replace(",", "、").split("、") if p.strip()]
    unknown = [p for p in parts if p not in by_label]
    if unknown:
        row.errors.append((header, f"未知：{'、'.join(unknown)}；可选：{'、'.join(by_label)}"))
        return None
    return [by_label[p] for p in parts]


def _unit(row: Row, header: str, units: dict) -> Organisation | None:
    name = _text(row, header, True)
    if name and name not in units:
        row.errors.append((header, f"找不到单位“{name}”，或不在您管理的范围内"))
    return units.get(name)


def _region(row: Row, header: str, regions: dict) -> Region | None:
    name = _text(row, header, True)
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


def _errors(row: Row, exc: ValidationError | PermissionDenied, labels: dict) -> None:
    if isinstance(exc, PermissionDenied):
        row.errors.append(("—", exc.message))
    elif hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            row.errors.extend((labels.get(name, name), m) for m in messages)
    else:
        row.errors.extend(("—", m) for m in exc.messages)


def _run(actor, rows: list[Row], build: Callable, save: Callable, label: str, valid_only: bool) -> Report:
    """Build every row (collecting errors), then, if allowed, save them in one transaction. A save
    that fails (the service's own checks) marks its row and, without `valid_only`, undoes all."""
    report = Report(label, rows)
    built = [(row, build(row)) for row in rows]
    if report.bad_rows and not valid_only:
        return report
    try:
        with transaction.atomic():
            for row, item in built:
                if row.errors:
                    continue
                try:
                    with transaction.atomic():
                        created = save(row, item)
                except (ValidationError, PermissionDenied) as exc:
                    _errors(row, exc, {})
                    continue
                report.created += created
                report.updated += not created
            if report.bad_rows and not valid_only:
                raise _Undo
    except _Undo:
        report.created = report.updated = 0
        return report
    report.applied = True
    return report


class _Undo(Exception):
    pass


# --- teams -----------------------------------------------------------------------------------

TEAM_HEADERS = ["队伍名称", "队伍类别", "所属队伍", "主管单位", "所在区划", "队长", "队长电话", "值班电话", "专业方向",
                "编制人数", "车辆数", "驻地地址", "驻地经度", "驻地纬度", "可供下级调度", "备注"]
TEAM_REQUIRED = ["队伍名称", "队伍类别", "主管单位", "所在区划"]


def _yes(row: Row, header: str) -> bool:
    return str(row.values.get(header) or "").strip() in ("是", "Y", "y", "1", "TRUE", "True")


def _decimal(row: Row, header: str):
    value = row.values.get(header)
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        row.errors.append((header, "应为数字"))
        return None


def import_teams(actor, fileobj, *, valid_only: bool = False) -> Report:
    require(actor, "rescue.import")
    rows = read(fileobj, TEAM_HEADERS, TEAM_REQUIRED)
    units, regions = _units(actor), _regions(actor)
    existing = {t.name: t for t in services.editable_teams(actor).select_related("base")}
    seen: set[str] = set()

    def build(row: Row):
        name = _text(row, "队伍名称", True)
        if name in seen:
            row.errors.append(("队伍名称", "文件中重复"))
        seen.add(name)
        category = _choice(row, "队伍类别", Team.Category.choices)
        parent_name = _text(row, "所属队伍")
        parent = existing.get(parent_name) if parent_name else None
        if parent_name and parent is None:
            row.errors.append(("所属队伍", f"找不到队伍“{parent_name}”（须先导入上级队伍）"))
        team = existing.get(name) or Team()
        team.name, team.category, team.parent = name, category, parent
        team.owner, team.region = _unit(row, "主管单位", units), _region(row, "所在区划", regions)
        team.leader, team.leader_phone = _text(row, "队长", max_length=50), _text(row, "队长电话", max_length=40)
        team.duty_phone = _text(row, "值班电话", max_length=40)
        team.authorised_strength, team.vehicles = _int(row, "编制人数"), _int(row, "车辆数")
        team.dispatchable, team.note = _yes(row, "可供下级调度"), _text(row, "备注", max_length=1000)
        codes = _codes(row, "专业方向", specialities())
        base = {"address": _text(row, "驻地地址", max_length=300), "latitude": _decimal(row, "驻地纬度"),
                "longitude": _decimal(row, "驻地经度")}
        return team, codes, base

    def save(row: Row, item) -> bool:
        team, codes, base = item
        created = team.pk is None
        services.save_team(actor, team, speciality_codes=codes, base=base)
        return created

    return _run(actor, rows, build, save, "救援队伍", valid_only)


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
    rows = read(fileobj, MEMBER_HEADERS, MEMBER_REQUIRED)
    teams = {t.name: t for t in services.editable_teams(actor)}

    def build(row: Row):
        name = _text(row, "队伍名称", True)
        team = teams.get(name)
        if name and team is None:
            row.errors.append(("队伍名称", f"找不到队伍“{name}”，或不在您管理的范围内"))
        person = _text(row, "姓名", True, max_length=50)
        role = _choice(row, "职务", Member.Role.choices, required=False) or Member.Role.MEMBER
        data = {"role": role, "phone": _text(row, "联系电话", max_length=40), "skills": _text(row, "技能特长"),
                "joined_on": _date(row, "入队日期")}
        cert = {"name": _text(row, "证书名称", max_length=100), "number": _text(row, "证书编号", max_length=60),
                "issuer": _text(row, "发证机关", max_length=100), "expires_on": _date(row, "证书有效期至")}
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

    return _run(actor, rows, build, save, "队员", valid_only)


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
    rows = read(fileobj, EXPERT_HEADERS, EXPERT_REQUIRED)
    units = _units(actor)
    existing = {(e.name, e.phone): e for e in services.editable_experts(actor).select_related("office")}

    def build(row: Row):
        name, phone = _text(row, "姓名", True, max_length=50), _text(row, "联系电话", max_length=40)
        expert = existing.get((name, phone)) or Expert()
        expert.name, expert.phone = name, phone
        expert.title, expert.employer = _text(row, "职称", max_length=60), _text(row, "工作单位")
        expert.certificates = _text(row, "资格证书", max_length=300)
        expert.availability = _choice(row, "可派状态", Expert.Availability.choices, required=False) or \
            Expert.Availability.AVAILABLE
        expert.owner = _unit(row, "管理单位", units)
        expert.dispatchable = _yes(row, "可供下级调用") if row.values.get("可供下级调用") not in (None, "") else True
        expert.note = _text(row, "备注", max_length=1000)
        codes = _codes(row, "专业领域", expert_fields())
        if codes == []:
            row.errors.append(("专业领域", "必填"))
        office = {"address": _text(row, "办公地址", max_length=300), "latitude": _decimal(row, "办公地点纬度"),
                  "longitude": _decimal(row, "办公地点经度")}
        return expert, codes, office

    def save(row: Row, item) -> bool:
        expert, codes, office = item
        created = expert.pk is None
        services.save_expert(actor, expert, field_codes=codes, office=office)
        return created

    return _run(actor, rows, build, save, "专家", valid_only)


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
    book = exports.Book()
    sheet = book.sheet("导入模板", [f"{h}*" if h in required else h for h in headers])
    sheet.append(sample)
    return book.content()


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
IMPORTERS = {"teams": import_teams, "members": import_members, "experts": import_experts}
__all__ = ["IMPORTERS", "REGISTERS", "template", "unpack"]
