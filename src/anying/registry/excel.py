"""Enterprise import and export (.xlsx).

An import first validates every row and reports each bad one (row, column, reason). By default
a file with any bad row imports nothing; with `valid_only` the good rows go in and the bad ones
are reported. Rows whose credit code is already registered update that enterprise. The writes
are bulk (a 10,000-row file must import in seconds) but still go through the same validation
and scope rules as the forms, and every created or changed enterprise gets its audit event.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from anying.core import audit, exports, imports, textinput
from anying.core.errors import ImportFileError
from anying.core.models import AuditEvent, Industry, Organisation, Region
from anying.core.permissions import require
from anying.core.scope import covers, region_subtree_q

from . import creditcode
from .models import Enterprise, RiskTag
from .risks import follow_enterprises
from .services import apply_standardization_rules, enterprise_snapshot, follow_renewal, validate


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False
    kind: str = "text"  # text | int | decimal | date | choice | region | industry | tags
    hint: str = ""


COLUMNS = [
    Column("统一社会信用代码", "credit_code", True, hint="18 位"),
    Column("企业名称", "name", True),
    Column("所属镇街", "region", True, "region", "如：旧县街道；辖区内有重名时写作 区县/镇街，如 铜梁区/旧县街道"),
    Column("监管行业", "industry", True, "industry", "如：机械、危险化学品"),
    Column("规模", "scale", kind="choice", hint="规上/规下"),
    Column("从业人数", "employees", kind="int"),
    Column("经营状态", "status", kind="choice", hint="在业/停产/关闭"),
    Column("地址", "address"),
    Column("法定代表人", "legal_representative"),
    Column("联系人", "contact_name"),
    Column("联系电话", "contact_phone"),
    Column("风险标签", "tags", kind="tags", hint="多个用、分隔，如：粉尘涉爆、有限空间作业"),
    Column("经度", "longitude", kind="decimal"),
    Column("纬度", "latitude", kind="decimal"),
    Column("标准化等级", "std_grade", kind="choice", hint="一级/二级/三级，可空"),
    Column("标准化状态", "std_status", kind="choice", hint="未创建/申请中/达标/过期"),
    Column("证书日期", "std_certificate_date", kind="date", hint="2022-01-31"),
    Column("证书有效期至", "std_expiry_date", kind="date", hint="留空按证书日期起 3 年（至第三个周年日前一天）；换发证书只改证书日期即可"),
    Column("标准化备注", "std_note"),
    Column("安责险承保机构", "insurer"),
    Column("保单号", "insurance_policy"),
    Column("保险起期", "insurance_start", kind="date"),
    Column("保险止期", "insurance_end", kind="date"),
]
BY_HEADER = {c.header: c for c in COLUMNS}
MAX_ROWS = 200_000


@dataclass
class RowResult(imports.Row):
    tags: list | None = None  # None: the file has no 风险标签 column, so tags stay as they are
    existing: Enterprise | None = None  # values: the parsed fields (the raw cells are not kept)


@dataclass
class ImportReport(imports.Report):
    unchanged: int = 0

    def applied_text(self) -> str:
        return f"新增 {self.created} 家，更新 {self.updated} 家，无变化 {self.unchanged} 家"


def read_rows(fileobj) -> list[tuple[int, dict]]:
    return imports.read_table(fileobj, BY_HEADER, [c.header for c in COLUMNS if c.required], max_rows=MAX_ROWS)


# --- validating ------------------------------------------------------------------------------

class Lookups:
    """Everything a row is resolved against, loaded once per file."""

    def __init__(self, actor, codes: list[str]):
        # Town names repeat across districts; a row's town is looked up in the actor's territory.
        towns = Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(actor, "")).select_related("parent")
        self.regions: dict[str, list[Region]] = {}
        for town in towns:  # by name, and by "区县/镇街" for names that repeat
            self.regions.setdefault(town.name, []).append(town)
            if town.parent is not None:
                self.regions.setdefault(f"{town.parent.name}/{town.name}", []).append(town)
        self.industries = {i.name: i for i in Industry.objects.all()}
        self.tags = {t.name: t for t in RiskTag.objects.all()}
        self.existing: dict[str, Enterprise] = {}
        for start in range(0, len(codes), 500):
            chunk = codes[start:start + 500]
            found = (Enterprise.objects.filter(credit_code__in=chunk).select_for_update(of=("self",))
                     .select_related("region", "industry", "organisation"))
            for ent in found.prefetch_related("tags"):
                self.existing[ent.credit_code] = ent
        visible = Enterprise.objects.all() if actor is None else Enterprise.objects.visible_to(actor)
        self.visible_ids = set(
            visible.filter(pk__in=[e.pk for e in self.existing.values()]).values_list("pk", flat=True)
        ) if self.existing else set()
        self._covers: dict[tuple[int, int], bool] = {}
        self.actor = actor

    def covers(self, region: Region, industry: Industry) -> bool:
        key = (region.pk, industry.pk)
        if key not in self._covers:
            self._covers[key] = covers(self.actor, region, industry)
        return self._covers[key]


def _choice(model_field, text: str):
    for value, label in model_field.flatchoices:
        if text in (label, value) and not (value == "" and text != label):
            return value
    raise ValueError("可选值：" + "、".join(str(label) for value, label in model_field.flatchoices if value != ""))


def _convert(column: Column, raw, lookups: Lookups):
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        if column.required:
            raise ValueError("必填")
        return [] if column.kind == "tags" else (None if column.kind in ("int", "decimal", "date") else "")
    text = textinput.clean(str(raw), multiline=False).strip()
    if column.kind == "int":
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"应为整数：{text}") from None
        if not number.is_finite() or number != number.to_integral_value():
            raise ValueError(f"应为整数：{text}")
        value = int(number)
        if value < 0:
            raise ValueError("不能为负数")
        return value
    if column.kind == "decimal":
        try:
            number = Decimal(text)
            if not number.is_finite():
                raise InvalidOperation
            return number.quantize(Decimal("0.000001"))
        except InvalidOperation:
            raise ValueError(f"应为数字：{text}") from None
    if column.kind == "date":
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(text.replace("/", "-").replace(".", "-"))
        except ValueError:
            raise ValueError(f"日期格式应为 2022-01-31：{text}") from None
    if column.kind == "choice":
        return _choice(Enterprise._meta.get_field(column.field), text)
    if column.kind == "region":
        found = lookups.regions.get(text.replace("／", "/"), [])
        if not found:
            raise ValueError(f"镇街不存在或不在您的辖区内：{text}")
        if len(found) > 1:
            raise ValueError(f"有多个镇街名为 {text}，请写作“区县/镇街”，如 {found[0].parent.name}/{text}")
        return found[0]
    if column.kind == "industry":
        if text not in lookups.industries:
            raise ValueError(f"未知行业：{text}")
        return lookups.industries[text]
    if column.kind == "tags":
        names = [n.strip() for n in text.replace("，", "、").replace(",", "、").replace(";", "、").split("、") if n.strip()]
        unknown = [n for n in names if n not in lookups.tags]
        if unknown:
            raise ValueError(f"未知风险标签：{'、'.join(unknown)}")
        return [lookups.tags[n] for n in dict.fromkeys(names)]
    return creditcode.normalise(text) if column.field == "credit_code" else text


def check_rows(actor, rows: list[tuple[int, dict]]) -> ImportReport:
    codes = [creditcode.normalise(str(r.get("统一社会信用代码") or "")) for _, r in rows]
    lookups = Lookups(actor, codes)
    seen: dict[str, int] = {}
    results = []
    labels = {c.field: c.header for c in COLUMNS}
    for number, raw in rows:
        result = RowResult(number, {})
        for column in COLUMNS:
            blank = raw.get(column.header) is None or str(raw.get(column.header)).strip() == ""
            if (column.header not in raw and not column.required) or (blank and column.kind == "choice"):
                continue  # keep the current value (or the default, for a new enterprise)
            try:
                value = _convert(column, raw.get(column.header), lookups)
            except ValueError as exc:
                result.errors.append((column.header, str(exc)))
                continue
            except ValidationError as exc:  # the input policy: control characters in the cell
                result.errors.append((column.header, exc.messages[0]))
                continue
            if column.kind == "tags":
                result.tags = value
            else:
                result.values[column.field] = value
        code = result.values.get("credit_code")
        if code:
            if code in seen:
                result.errors.append(("统一社会信用代码", f"与第 {seen[code]} 行重复"))
            seen.setdefault(code, number)
            result.existing = lookups.existing.get(code)
            if result.existing is not None and result.existing.pk not in lookups.visible_ids:
                result.errors.append(("统一社会信用代码", "该企业已由其他单位登记，不在您的监管范围内"))
        if not result.errors:
            _check_record(result, lookups, labels)
        results.append(result)
    return ImportReport("企业", results)


def _check_record(result: RowResult, lookups: Lookups, labels: dict) -> None:
    base = result.existing
    ent = Enterprise() if base is None else _copy(base)
    for key, value in result.values.items():
        setattr(ent, key, value)
    if base is not None:
        follow_renewal(ent, base.std_certificate_date, base.std_expiry_date)
    apply_standardization_rules(ent)
    try:
        validate(ent, check_unique=False, check_relations=False)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            result.errors.extend((labels.get(key, key), m) for m in messages)
        return
    if not lookups.covers(ent.region, ent.industry):
        result.errors.append(("所属镇街", "所选镇街或行业不在您的监管范围内"))
        return
    result.values = {f.name: getattr(ent, f.name) for f in Enterprise._meta.concrete_fields
                     if f.name in result.values or f.name in ("std_status", "std_expiry_date")}


def _copy(ent: Enterprise) -> Enterprise:
    clone = Enterprise(**{f.attname: getattr(ent, f.attname) for f in Enterprise._meta.concrete_fields})
    clone.region, clone.industry = ent.region, ent.industry
    return clone


# --- applying --------------------------------------------------------------------------------

def import_enterprises(actor, fileobj, *, valid_only: bool = False) -> ImportReport:
    require(actor, "registry.import")
    name = file_name(fileobj)
    try:
        rows = read_rows(fileobj)
    except ImportFileError as exc:
        record_refusal(actor, name, None, [str(exc)])
        raise
    # Checked and written in one transaction, with the enterprises being updated locked, so a
    # concurrent edit is neither overwritten from a stale copy nor turned into a duplicate.
    try:
        with transaction.atomic():
            report = check_rows(actor, rows)
            if valid_only or not report.bad_rows:
                _apply(actor, report)
                report.applied = True
    except IntegrityError as exc:
        message = "导入期间有其他用户登记了相同统一社会信用代码的企业，请重新导入。"
        record_refusal(actor, name, len(rows), [message])
        raise ImportFileError(message) from exc
    if not report.applied:
        record_refusal(actor, name, len(report.rows), report.error_lines(), bad=len(report.bad_rows))
    return report


# --- refusals --------------------------------------------------------------------------------

MAX_AUDITED_REASONS = 100  # a 10,000-row file of errors would not fit a readable audit entry


def file_name(fileobj) -> str:
    """The name the user knows the file by: the upload's own name, a path's last part."""
    name = os.path.basename(str(getattr(fileobj, "name", "") or ""))
    return name[:200] or "（未命名文件）"


def record_refusal(actor, name: str, rows: int | None, reasons: list[str], *, bad: int | None = None) -> None:
    """A refused import leaves a trace (issue #13): who, which file, how many rows, why. Written
    after the import's transaction, so nothing of the file is kept but this event."""
    shown = reasons[:MAX_AUDITED_REASONS]
    if len(reasons) > len(shown):
        shown.append(f"……另有 {len(reasons) - len(shown)} 条错误")
    what = "无法读取" if rows is None else f"共 {rows} 行" + (f"，{bad} 行有错误" if bad else "")
    event = audit.build(actor, AuditEvent.Action.IMPORT, None, summary=f"Excel 导入被拒绝（{what}），未导入任何数据",
                        content_type=ContentType.objects.get_for_model(Enterprise),
                        after={"文件": name, "行数": rows, "有错误的行数": bad, "原因": "\n".join(shown)}, place=actor)
    event.object_repr = name
    event.save()


def _apply(actor, report: ImportReport) -> None:
    creates = [r for r in report.valid_rows if r.existing is None]
    updates = [r for r in report.valid_rows if r.existing is not None]
    events = []
    orgs = Organisation.objects.bulk_create(
        [Organisation(name=r.values["name"], kind=Organisation.Kind.ENTERPRISE, region=r.values["region"]) for r in creates],
        batch_size=1000)
    new = [Enterprise(organisation=org, **r.values) for org, r in zip(orgs, creates, strict=True)]
    Enterprise.objects.bulk_create(new, batch_size=1000)
    through = Enterprise.tags.through
    through.objects.bulk_create(
        [through(enterprise_id=e.pk, risktag_id=t.pk) for e, r in zip(new, creates, strict=True) for t in (r.tags or [])],
        batch_size=2000)
    for ent, r in zip(new, creates, strict=True):
        ent._prefetched_objects_cache = {"tags": r.tags or []}
        events.append(audit.build(actor, AuditEvent.Action.IMPORT, ent, summary="Excel 导入新增", after=enterprise_snapshot(ent)))
    report.created = len(new)

    changed, changed_fields = [], set()
    tag_changes = {}
    for r in updates:
        ent = r.existing
        before = enterprise_snapshot(ent)
        for key, value in r.values.items():
            setattr(ent, key, value)
        if r.tags is not None and r.tags != list(ent.tags.all()):
            tag_changes[ent.pk] = r.tags
            ent._prefetched_objects_cache = {"tags": r.tags}
        after = enterprise_snapshot(ent)
        if after == before:
            report.unchanged += 1
            continue
        changed.append(ent)
        ent.updated_at = timezone.now()  # bulk_update skips auto_now
        changed_fields.update(k for k in r.values if before.get(k) != after.get(k) and k != "tags")
        events.append(audit.build(actor, AuditEvent.Action.IMPORT, ent, summary="Excel 导入更新", before=before, after=after))
    if changed:
        Enterprise.objects.bulk_update(changed, sorted(changed_fields | {"updated_at"}), batch_size=500)
        if changed_fields & {"region", "industry"}:
            follow_enterprises(changed)  # risk points carry the enterprise's town and industry
    if tag_changes:
        through.objects.filter(enterprise_id__in=list(tag_changes)).delete()
        through.objects.bulk_create([through(enterprise_id=pk, risktag_id=t.pk) for pk, tags in tag_changes.items()
                                     for t in tags], batch_size=2000)
    moved = []
    for ent in changed:  # the enterprise's organisation follows its name and town
        org = ent.organisation
        if (org.name, org.region_id) != (ent.name, ent.region_id):
            org.name, org.region = ent.name, ent.region
            moved.append(org)
    Organisation.objects.bulk_update(moved, ["name", "region"], batch_size=500)
    report.updated = len(changed)
    AuditEvent.objects.bulk_create(events, batch_size=1000)


# --- writing ---------------------------------------------------------------------------------

def _cell(ent: Enterprise, column: Column):
    if column.kind == "tags":
        return "、".join(t.name for t in ent.tags.all())
    value = getattr(ent, column.field)
    if column.kind == "choice":
        return getattr(ent, f"get_{column.field}_display")() if value else ""
    if column.kind in ("region", "industry"):
        return value.name
    if column.kind == "decimal" and value is not None:
        return float(value)
    return value


def write_enterprises(queryset, book: exports.Book, filters: list[tuple[str, str]] | None = None) -> int:
    """The enterprises of `queryset` (already scoped and filtered) as a sheet of `book`, with
    the columns of the import template, so the file can be edited and imported again."""
    sheet = book.sheet("生产经营单位", [c.header for c in COLUMNS], title="生产经营单位", filters=filters)
    qs = queryset.select_related("region", "industry").prefetch_related("tags")
    return sheet.extend([_cell(ent, c) for c in COLUMNS] for ent in qs.iterator(chunk_size=2000))


def export_for(actor, target) -> int:
    """Everything the actor may see (the system: everything), for `anying export enterprises`."""
    qs = Enterprise.objects.all() if actor is None else Enterprise.objects.visible_to(actor)
    book = exports.Book()
    count = write_enterprises(qs.order_by("region__path", "name"), book, [])
    book.save(target)
    audit.record(actor, AuditEvent.Action.EXPORT, None, summary=f"命令行导出生产经营单位 {count} 家")
    return count


def write_template(target, actor=None) -> None:
    """The import template: the header (required columns marked) and a sheet of instructions
    with the values each column accepts. A form to fill in, so no title row."""
    book = exports.Book()
    book.sheet("生产经营单位", [c.header + ("*" if c.required else "") for c in COLUMNS],
               highlight=[c.header + "*" for c in COLUMNS if c.required])
    notes = book.sheet("填写说明", ["列", "必填", "说明"])
    notes.extend([column.header, "是" if column.required else "", column.hint] for column in COLUMNS)
    towns = Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(actor, ""))
    notes.note(["镇街可选值", "、".join(towns.values_list("name", flat=True))])
    notes.note(["行业可选值", "、".join(Industry.objects.values_list("name", flat=True))])
    notes.note(["风险标签可选值", "、".join(RiskTag.objects.values_list("name", flat=True))])
    book.save(target)
