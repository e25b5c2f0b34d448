"""Warehouse 日周月 checks (A8.5; seed 001「强化应急物资储备库“日周月”检查巡查，确保安全有序运行」).

Each warehouse owes a 日检 (its working days), a 周检 and a 月检, each with its own checklist; the
keepers record a round per period, item by item 符合/不符合 (a 不符合 says what was found). The
calendar rules — which days may be recorded, one round per period, no future day, a week's 补录,
"behind" — are core/routine.py's, the same as the enterprise's 日周月排查 (hazards), so a
warehouse is 落后 exactly when an enterprise would be.

Who may record and change the checks is who keeps the warehouse (`services.manages`: the owner
unit's keepers and the district's approvers); who reads them is who reads its books (the unit
rule on the owner: the owner and its superiors). A town that may call on a shared district
warehouse sees its stock, not its checks.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Case, Exists, ExpressionWrapper, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, periods, routine
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM
from anying.core.scope import RULES
from anying.core.workqueue import WorkItem, WorkSource

from .models import CheckItem, CheckResult, CheckRound, CheckSchedule, Warehouse
from .services import manages

Frequency = routine.Frequency
ROUTINE = routine.Routine(CheckSchedule, CheckRound, noun="检查")
DATA = Path(__file__).resolve().parent / "data" / "warehouse_checks.csv"
MAX_ITEMS = 50
SCHEDULE_FIELDS = ["name", "frequency", "workdays", "assignee", "active"]


@dataclass(frozen=True)
class Tier:
    name: str
    frequency: str
    column: str  # the column of data/warehouse_checks.csv


TIERS = [Tier("日检", Frequency.DAILY, "日检"), Tier("周检", Frequency.WEEKLY, "周检"),
         Tier("月检", Frequency.MONTHLY, "月检")]


@cache
def default_items() -> dict[str, list[str]]:
    """Tier column → its default items (product defaults, not a standard: see the file's header)."""
    with open(DATA, encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    return {t.column: [r["检查项"] for r in rows if (r[t.column] or "").strip() == "1"] for t in TIERS}


def _deny(actor, warehouse: Warehouse) -> None:
    if not manages(actor, warehouse):
        raise PermissionDenied(f"您无权管理“{warehouse.name}”的日周月检查（由仓库的管理单位保管员负责）")


# ----- writing -----

@transaction.atomic
def ensure_defaults(actor, warehouse: Warehouse, starts_on: dt.date | None = None) -> list[CheckSchedule]:
    """Give the warehouse the standard 日检 (Monday to Friday, the national calendar), 周检 and
    月检 it does not have yet (by frequency, among its active schedules), each with the default
    items. Returns the schedules created."""
    _deny(actor, warehouse)
    Warehouse.objects.select_for_update().filter(pk=warehouse.pk).first()  # two clicks make one set
    return create_defaults(actor, warehouse, starts_on)


def create_defaults(actor, warehouse: Warehouse, starts_on: dt.date | None = None) -> list[CheckSchedule]:
    """`ensure_defaults` without the keeper check: for `services.save_warehouse`, whose caller
    was allowed to register the warehouse (in the same transaction)."""
    starts_on = starts_on or timezone.localdate()
    existing = set(CheckSchedule.objects.filter(warehouse=warehouse, active=True).values_list("frequency", flat=True))
    created = []
    for tier in TIERS:
        if tier.frequency in existing:
            continue
        schedule = CheckSchedule.objects.create(
            warehouse=warehouse, name=tier.name, frequency=tier.frequency, starts_on=starts_on,
            created_by=None if actor is SYSTEM else actor)
        texts = default_items()[tier.column]
        CheckItem.objects.bulk_create([CheckItem(schedule=schedule, position=n, text=t) for n, t in enumerate(texts, 1)])
        audit.record(actor, AuditEvent.Action.CREATE, schedule,
                     summary=f"{warehouse.name} {schedule.name}（{schedule.get_frequency_display()}，检查项 {len(texts)} 项）")
        created.append(schedule)
    return created


def items_text(schedule: CheckSchedule) -> str:
    return "\n".join(schedule.items.filter(active=True).values_list("text", flat=True))


def _parse_items(text: str) -> tuple[list[str], str | None]:
    lines, seen = [], set()
    for raw in (text or "").splitlines():
        line = " ".join(raw.split()).lstrip("0123456789.、） )").strip()
        if line and line not in seen:
            seen.add(line)
            lines.append(line)
    if not lines:
        return lines, "请至少填写一个检查项（每行一项）"
    if len(lines) > MAX_ITEMS:
        return lines, f"检查项最多 {MAX_ITEMS} 项（现有 {len(lines)} 项）"
    long = [t for t in lines if len(t) > 200]
    if long:
        return lines, f"每个检查项最多 200 字（“{long[0][:20]}…”）"
    return lines, None


@transaction.atomic
def update_schedule(actor, schedule_id: int, data: dict) -> CheckSchedule:
    """Change a schedule: name, frequency, working days, who checks, 启用, and its items (one a
    line: a line kept keeps its item, a new line adds one, a removed line is made inactive so the
    rounds that answered it still read it). Refused as a whole, in Chinese, with nothing changed."""
    schedule = CheckSchedule.objects.select_for_update(of=("self",)).select_related("warehouse__owner__region") \
        .filter(pk=schedule_id).first()
    if schedule is None or (actor is not SYSTEM and not CheckSchedule.objects.visible_to(actor).filter(
            pk=schedule_id).exists()):
        raise CheckSchedule.DoesNotExist
    _deny(actor, schedule.warehouse)
    before = {**audit.snapshot(schedule, SCHEDULE_FIELDS), "检查项": items_text(schedule)}
    for key in SCHEDULE_FIELDS:
        if key in data:
            setattr(schedule, key, data[key])
    schedule.name = (schedule.name or "").strip()
    schedule.assignee = (schedule.assignee or "").strip()
    errors = {}
    if not schedule.name:
        errors["name"] = "请填写检查名称"
    if schedule.frequency not in Frequency.values:
        errors["frequency"] = "请选择频次"
    elif ROUTINE.workdays_refused(schedule):
        errors["workdays"] = ROUTINE.workdays_refused(schedule)
    lines = None
    if "items_text" in data:
        lines, refused = _parse_items(data["items_text"])
        if refused:
            errors["items_text"] = refused
    if errors:
        raise ValidationError(errors)
    schedule.workdays = "".join(sorted(set(schedule.workdays)))
    schedule.save()
    if lines is not None:
        current = {i.text: i for i in schedule.items.all()}
        for n, text in enumerate(lines, 1):
            item = current.pop(text, None)
            if item is None:
                CheckItem.objects.create(schedule=schedule, position=n, text=text)
            elif item.position != n or not item.active:
                CheckItem.objects.filter(pk=item.pk).update(position=n, active=True)
        CheckItem.objects.filter(pk__in=[i.pk for i in current.values()]).update(active=False)
    after = {**audit.snapshot(schedule, SCHEDULE_FIELDS), "检查项": items_text(schedule)}
    audit.record(actor, AuditEvent.Action.UPDATE, schedule, before=before, after=after)
    return schedule


@dataclass(frozen=True)
class Answer:
    result: str  # CheckResult.Result
    note: str = ""


@transaction.atomic
def record_round(actor, schedule_id: int, *, inspectors: str, results: dict[int, Answer], note: str = "",
                 today: dt.date | None = None, day: dt.date | None = None) -> CheckRound:
    """Record a round of a schedule done on `day` (today unless entered late: core/routine.py's
    `recordable_days`). Every active item needs 符合 or 不符合; a 不符合 says what was found. Only
    the warehouse's keepers record its checks."""
    today = today or timezone.localdate()
    day = day or today
    schedule = CheckSchedule.objects.select_for_update(of=("self",)).select_related("warehouse__owner__region") \
        .filter(pk=schedule_id).first()
    if schedule is None or (actor is not SYSTEM and not CheckSchedule.objects.visible_to(actor).filter(
            pk=schedule_id).exists()):
        raise CheckSchedule.DoesNotExist
    _deny(actor, schedule.warehouse)
    period = ROUTINE.open_period(schedule, day, today)
    items = list(schedule.items.filter(active=True))
    errors = _check_answers(items, results, inspectors, note)
    if errors:
        raise ValidationError(errors)
    round_ = CheckRound(schedule=schedule, warehouse=schedule.warehouse, period_start=period, done_on=day,
                        inspectors=" ".join(inspectors.split()), note=note.strip(),
                        recorded_by=None if actor is SYSTEM else actor,
                        fails=sum(1 for i in items if results[i.pk].result == CheckResult.Result.FAIL))
    try:
        with transaction.atomic():
            round_.save()
    except IntegrityError:
        raise ValidationError(ROUTINE.already_text(schedule, period)) from None
    CheckResult.objects.bulk_create([
        CheckResult(round=round_, item=i, text=i.text, result=results[i.pk].result, note=results[i.pk].note.strip())
        for i in items])
    ROUTINE.mark_done(schedule, period)
    late = f"（{today:%Y-%m-%d} 补录 {day:%Y-%m-%d} 的检查）" if day < today else ""
    fails = f"不符合 {round_.fails} 项" if round_.fails else "全部符合"
    audit.record(actor, AuditEvent.Action.CREATE, round_,
                 summary=f"{schedule.warehouse.name} {schedule.name} {periods.label(schedule.frequency, period)}："
                         f"{fails}{late}")
    return round_


def _check_answers(items, results: dict[int, Answer], inspectors: str, note: str) -> dict:
    errors = {}
    if not inspectors.strip():
        errors["inspectors"] = "请填写检查人员"
    elif len(inspectors.strip()) > 100:
        errors["inspectors"] = "检查人员最多 100 字"
    if len(note) > 2000:
        errors["note"] = "备注最多 2000 字"
    if not items:
        errors["results"] = "该检查计划没有检查项，请先在设置中填写"
        return errors
    valid = set(CheckResult.Result.values)
    missing = [i for i in items if i.pk not in results or results[i.pk].result not in valid]
    if missing:
        errors["results"] = f"还有 {len(missing)} 个检查项未填写结果（第一项：{missing[0].text[:30]}）"
        return errors
    unexplained = [i for i in items if results[i.pk].result == CheckResult.Result.FAIL and not results[i.pk].note.strip()]
    if unexplained:
        errors["results"] = f"不符合的检查项须说明发现的问题（{unexplained[0].text[:30]}）"
    too_long = [i for i in items if len(results[i.pk].note) > 500]
    if too_long:
        errors["results"] = f"情况说明最多 500 字（{too_long[0].text[:30]}）"
    return errors


# ----- reading: where each check stands, who is behind -----

def states(schedules, today: dt.date | None = None) -> list[routine.ScheduleState]:
    return ROUTINE.states(schedules, today)


def behind_q(today: dt.date | None = None) -> Q:
    """Check schedules behind (the last ended period without a round): core/routine.py."""
    return ROUTINE.behind_q(today)


def states_by_warehouse(warehouses, today: dt.date) -> dict[int, list[routine.ScheduleState]]:
    """The active schedules' standing of each of some warehouses (a page of a list)."""
    found: dict[int, list[routine.ScheduleState]] = {}
    for state in states(CheckSchedule.objects.filter(warehouse__in=warehouses, active=True), today):
        found.setdefault(state.schedule.warehouse_id, []).append(state)
    return found


def checked_warehouses(user):
    """The warehouses whose checks the user reads: the books' rule (the owner's and superiors')."""
    return Warehouse.objects.filter(RULES["unit"](user, unit="owner"))


def _with_schedules():
    return Exists(CheckSchedule.objects.filter(warehouse=OuterRef("pk"), active=True))


def behind_exists(behind: Q):
    """An Exists() on Warehouse: at least one active check schedule is behind."""
    return Exists(CheckSchedule.objects.filter(behind, warehouse=OuterRef("pk")))


def checks_behind(user, today: dt.date | None = None):
    """An annotation on Warehouse for the map: its checks are behind, told only to those who read
    them (a town calling on a shared district warehouse sees its stock, not its checks)."""
    return Case(When(RULES["unit"](user, unit="owner") & behind_exists(behind_q(today)), then=Value(True)),
                default=Value(False), output_field=BooleanField())


def overview(user, behind: Q):
    """Warehouses in use whose checks the user reads, with their schedules, the ones behind first
    (annotated `behind`). `behind` is `behind_q(today)`, computed once per request."""
    return checked_warehouses(user).filter(_with_schedules(), is_active=True).annotate(behind=behind_exists(behind)) \
        .select_related("place__region", "owner").order_by("-behind", "level", "place__region__path", "name")


def summary(user, behind: Q) -> dict:
    scoped = checked_warehouses(user).filter(is_active=True)
    return {"warehouses": scoped.filter(_with_schedules()).count(), "behind": scoped.filter(behind_exists(behind)).count(),
            "without": scoped.filter(~_with_schedules()).count()}


def recent_rounds(warehouse: Warehouse, limit: int = 10):
    return CheckRound.objects.filter(warehouse=warehouse).select_related("schedule", "recorded_by")[:limit]



# ----- 待办 (core/workqueue.py): the keepers' checks due this period or behind -----

def checks_due(user, today):
    """The checks of the user's own unit's warehouses whose current period has no round yet (a
    日检 only on its working days), or that are behind; due by the current period's end."""
    behind = behind_q(today)  # one query for the working-day patterns
    return (CheckSchedule.objects.visible_to(user)
            .filter(ROUTINE.due_now_q(today) | behind, warehouse__owner_id=user.unit_id, warehouse__is_active=True)
            .select_related("warehouse")
            .annotate(work_due=ROUTINE.period_end(today), is_behind=ExpressionWrapper(behind, output_field=BooleanField()))
            .order_by("-is_behind", "work_due", "id"))


def _check_row(s: CheckSchedule) -> WorkItem:
    detail = f"{s.get_frequency_display()}检查" + (" · 落后：上一周期未检查" if getattr(s, "is_behind", False) else "")
    return WorkItem(f"{s.warehouse.name} · {s.name}", reverse("supplies:check_round_new", args=[s.pk]), detail)


SOURCES = [
    WorkSource("supplies.checks", "supplies", "物资", "本期待做的仓库日周月检查", checks_due, _check_row, "supplies.keep",
               list_url="supplies:check_list", due_label="本期截止", order=615),
]
