"""安全生产标准化: the towns' yearly targets, 达标率 by town and by industry, certificates about
to expire (reminders on the deadline clock `certificate_expiry`, core.clock), and the
未达标及需复评 list in the layout of seed 001 附件2.

Counting rules (docs/risk-grading-and-standardization.md): the base of the 达标率 is the enterprises in
operation (经营状态 在业) of the user's scope; certified are those of them whose status is 达标;
"newly certified" in a year are certified ones whose certificate is dated in that year, and
that is what the town's target is measured against."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, clock
from anying.core.clock import Clock
from anying.core.exports import Book
from anying.core.models import AuditEvent, Industry, Region, User
from anying.core.permissions import SYSTEM, require, roles_with
from anying.core.scope import region_subtree_q

from . import services
from .models import Enterprise, StandardizationTarget

DATA = Path(__file__).resolve().parent / "data"
TARGETS_FILE = "demo_data/tongliang_2022_town_standardization_targets.csv"
TARGETS_SOURCE = "铜梁区应急管理局2022年工作要点 附件3（seed 001）"
NO_TARGET = "/"
S = Enterprise.StdStatus


def percent(part: int, whole: int | None) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _counts(year: int, today: dt.date) -> dict:
    operating = Q(status=Enterprise.Status.OPERATING)
    certified = operating & Q(std_status=S.CERTIFIED)
    expiring = Q(std_status=S.CERTIFIED, std_expiry_date__gte=today)
    return {
        "enterprises": Count("id", filter=operating),
        "certified": Count("id", filter=certified),
        "achieved": Count("id", filter=certified & Q(std_certificate_date__year=year)),
        "expiring_90": Count("id", filter=expiring & Q(std_expiry_date__lte=today + dt.timedelta(days=90))),
        "expiring_30": Count("id", filter=expiring & Q(std_expiry_date__lte=today + dt.timedelta(days=30))),
    }


def summary(user, year: int, today: dt.date | None = None) -> dict:
    """The dashboard's figures for a user's scope: {"enterprises", "certified", "rate" (% or
    None), "target" (sum of the towns' targets in scope, None without any), "achieved",
    "completion" (% or None), "expiring_90", "expiring_30"}. Two queries."""
    today = today or timezone.localdate()
    figures = Enterprise.objects.visible_to(user).aggregate(**_counts(year, today))
    target = StandardizationTarget.objects.visible_to(user).filter(year=year).aggregate(t=Sum("target_total"))["t"]
    return {**figures, "rate": percent(figures["certified"], figures["enterprises"]), "target": target,
            "completion": percent(figures["achieved"], target)}


def by_town(user, year: int, today: dt.date | None = None) -> list[dict]:
    """One row per town of the scope (those with enterprises or a target)."""
    today = today or timezone.localdate()
    rows = {r["region_id"]: r for r in Enterprise.objects.visible_to(user).order_by().values("region_id")
            .annotate(**_counts(year, today))}
    targets = {t.region_id: t for t in StandardizationTarget.objects.visible_to(user).filter(year=year)}
    towns = Region.objects.filter(pk__in=set(rows) | set(targets)).order_by("sort", "id")
    result = []
    for town in towns:
        row = rows.get(town.pk) or dict.fromkeys(_counts(year, today), 0)
        target = targets.get(town.pk)
        total = target.target_total if target else None
        result.append({**row, "id": town.pk, "label": town.name, "rate": percent(row["certified"], row["enterprises"]),
                       "target": total, "has_target": target is not None,
                       "completion": percent(row["achieved"], total)})
    return result


def by_industry(user, year: int, today: dt.date | None = None) -> list[dict]:
    """One row per industry with enterprises in the scope (targets are by town only)."""
    today = today or timezone.localdate()
    rows = list(Enterprise.objects.visible_to(user).order_by().values("industry_id").annotate(**_counts(year, today)))
    names = dict(Industry.objects.filter(pk__in=[r["industry_id"] for r in rows]).values_list("id", "name"))
    result = [{**r, "id": r["industry_id"], "label": names[r["industry_id"]],
               "rate": percent(r["certified"], r["enterprises"])} for r in rows]
    return sorted(result, key=lambda r: (-r["enterprises"], r["label"]))


def totals(rows: list[dict]) -> dict:
    keys = ("enterprises", "certified", "achieved", "expiring_90", "expiring_30")
    total = {k: sum(r[k] for r in rows) for k in keys}
    targets = [r["target"] for r in rows if r.get("target") is not None]
    total["target"] = sum(targets) if targets else None
    total["rate"] = percent(total["certified"], total["enterprises"])
    total["completion"] = percent(total["achieved"], total["target"])
    return total


# --- targets ---------------------------------------------------------------------------------

def parse_target(text: str) -> int | None:
    text = (text or "").strip()
    if text in ("", NO_TARGET):
        return None
    if not text.isdigit() or int(text) > 100000:
        raise ValidationError("任务数应为不超过 100000 的非负整数，或“/”表示无任务")
    return int(text)


@transaction.atomic
def save_targets(actor, year: int, values: dict[int, tuple[int | None, int | None]], source: str = "",
                 *, record_empty: bool = False) -> int:
    """Set the targets of towns (region id → (total, of which above-scale)) for a year; returns
    how many changed. Only towns of the admin's own territory. A town left blank gets no row
    unless `record_empty` (a file that says "/" for it)."""
    require(actor, "registry.configure")
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "年度应在 2000–2100 之间"})
    towns = Region.objects.filter(pk__in=list(values), level=Region.Level.TOWN)
    towns = towns.filter(region_subtree_q(actor, ""))
    towns = {t.pk: t for t in towns}
    if set(values) - set(towns):
        raise ValidationError("所选镇街不在您的辖区内")
    stored = {t.region_id: t for t in StandardizationTarget.objects.select_for_update().filter(
        year=year, region_id__in=list(towns))}
    changed = 0
    for region_id, (total, above) in values.items():
        if total is not None and above is not None and above > total:
            raise ValidationError(f"{towns[region_id].name}：规上企业达标数不能多于工业企业达标数")
        target = stored.get(region_id) or StandardizationTarget(region=towns[region_id], year=year)
        if target.pk is None and total is None and above is None and not record_empty:
            continue
        before = audit.snapshot(target, ["target_total", "target_above_scale", "source"]) if target.pk else None
        target.target_total, target.target_above_scale = total, above
        target.source = (source or target.source)[:300]
        after = audit.snapshot(target, ["target_total", "target_above_scale", "source"])
        if before == after:
            continue
        target.save()
        changed += 1
        audit.record(actor, AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE, target,
                     summary=f"{year}年{towns[region_id].name}标准化达标任务", before=before, after=after)
    return changed


def file_targets() -> list[tuple[str, int | None, int | None]]:
    """(town, total, above-scale) of seed 001 附件3, in the file's order."""
    with resources.files("anying").joinpath(TARGETS_FILE).open(encoding="utf-8") as fh:
        return [(r["town"], parse_target(r["target_industrial_enterprises"]),
                 parse_target(r["target_above_scale_enterprises"])) for r in csv.DictReader(fh)]


def load_file_targets(year: int) -> int:
    """The seed's 2022 targets, set for `year` (the demo uses the current year so they show)."""
    towns = dict(Region.objects.filter(level=Region.Level.TOWN).values_list("name", "id"))
    values = {towns[name]: (total, above) for name, total, above in file_targets() if name in towns}
    return save_targets(SYSTEM, year, values, source=TARGETS_SOURCE + (f"，用作 {year} 年演示数据" if year != 2022 else ""),
                        record_empty=True)


# --- 未达标及需复评 ----------------------------------------------------------------------------

def below_standard(user, year: int):
    """Above-scale enterprises in operation that are not certified (未创建, 申请中, 过期) or whose
    certificate expires by the end of `year` (需复评), as 附件2 lists them."""
    due = Q(std_status=S.CERTIFIED, std_expiry_date__lte=dt.date(year, 12, 31))
    return (Enterprise.objects.visible_to(user)
            .filter(Q(std_status__in=[S.NONE, S.APPLYING, S.EXPIRED]) | due,
                    scale=Enterprise.Scale.ABOVE, status=Enterprise.Status.OPERATING)
            .select_related("industry", "region").order_by("industry__path", "name", "id"))


def note(ent: Enterprise) -> str:
    """附件2's 备注: 当前未创建 / 正在申请中 / 2022年6月过期."""
    if ent.std_status == S.NONE:
        return "当前未创建"
    if ent.std_status == S.APPLYING:
        return "正在申请中"
    if ent.std_expiry_date:
        return f"{ent.std_expiry_date.year}年{ent.std_expiry_date.month}月过期"
    return "已过期"


def list_title(year: int) -> str:
    return f"{year}年全区规模以上工业企业安全生产标准化未达标及需复评名单"


HEADER = ["序号", "企业名称", "所属行业", "备注"]


def list_rows(enterprises) -> list[list]:
    return [[i, e.name, e.industry.name, note(e)] for i, e in enumerate(enterprises, start=1)]


def export_xlsx(book: Book, year: int, rows: list[list]) -> None:
    book.sheet("未达标及需复评名单", HEADER, title=list_title(year), filters=[("年度", f"{year}年")],
               grid=True).extend(rows)


RATE_HEADER = ["在业企业", "达标", "达标率（%）", "当年新达标"]
EXPIRY_HEADER = ["90 天内到期", "30 天内到期"]


def _rate_cells(row: dict, with_target: bool) -> list:
    cells = [row["enterprises"], row["certified"], row["rate"], row["achieved"]]
    if with_target:
        cells += ["/" if row["target"] is None else row["target"], row["completion"]]
    return [*cells, row["expiring_90"], row["expiring_30"]]


def export_rates(book: Book, year: int, towns: list[dict], industries: list[dict], today: dt.date) -> None:
    """The 达标率 page as two sheets, by town (against the targets) and by industry."""
    filters = [("年度", f"{year}年"), ("到期计算日", f"{today:%Y-%m-%d}")]
    for name, label, rows, with_target in (("按镇街", "镇街（园区）", towns, True), ("按行业", "行业", industries, False)):
        header = [label, *RATE_HEADER, *(["年度任务", "完成率（%）"] if with_target else []), *EXPIRY_HEADER]
        sheet = book.sheet(name, header, title=f"{year}年安全生产标准化达标情况（{name}）", filters=filters)
        sheet.extend([r["label"], *_rate_cells(r, with_target)] for r in rows)
        if rows:
            sheet.note(["合计", *_rate_cells(totals(rows), with_target)], gap=False)


def export_docx(year: int, rows: list[list]) -> bytes:
    from anying.core.officialdoc import OfficialDocument

    return OfficialDocument(title=list_title(year), tables=[(HEADER, rows)]).render()


# --- expiry: the clock -----------------------------------------------------------------------

def _recipients(enterprises: list[Enterprise]) -> dict[int, list[User]]:
    """The enterprise's own users and the inspectors of its town (the users of units in the town
    who keep the registry: 镇街监管员), in one query."""
    orgs = {e.organisation_id: e.pk for e in enterprises}
    towns: dict[int, list[int]] = {}
    for e in enterprises:
        towns.setdefault(e.region_id, []).append(e.pk)
    users = User.objects.filter(Q(unit_id__in=list(orgs)) | Q(role__in=roles_with("registry.edit"), unit__region_id__in=list(towns)),
                                is_active=True, unit__is_active=True).select_related("unit")
    result: dict[int, list[User]] = {}
    for user in users:
        if user.unit_id in orgs:
            result.setdefault(orgs[user.unit_id], []).append(user)
        else:
            for pk in towns.get(user.unit.region_id, []):
                result.setdefault(pk, []).append(user)
    return result


# Reminders before a certificate expires (default: 90 and 30 days, data/certificate_expiry_clock.csv),
# once per rung and expiry date: a renewed certificate climbs the ladder again (`cycles`).
CERTIFICATE_EXPIRY = clock.register(Clock(
    name="certificate_expiry", label="标准化证书到期提醒", model=Enterprise, due="std_expiry_date",
    open=Q(std_status=S.CERTIFIED), defaults=DATA / "certificate_expiry_clock.csv", cycles=True,
    fields=("name", "std_grade", "organisation_id"), recipients=_recipients, event="remind",
    describe=lambda e: f"{e.name}的安全生产标准化{e.get_std_grade_display()}证书有效期至 {e.std_expiry_date:%Y年%m月%d日}",
    object_repr=lambda e: e.name,
    url=lambda e: reverse("enterprise_detail", args=[e.pk]) + "?tab=standardization"))


def remind(now: dt.datetime | None = None) -> int:
    """The certificate clock alone (tests); `anying tick` runs every clock."""
    return clock.run(now, [CERTIFICATE_EXPIRY])


def tick(now: dt.datetime) -> int:
    """`anying tick`: certified enterprises past expiry become 过期 (idempotent). It stays a job of
    its own, not a rung: 过期 is a fact of the date, not a step a town's ladder may leave out."""
    return services.expire_standardization(timezone.localdate(now))
