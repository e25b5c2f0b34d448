"""Routine self-inspection (日周月排查, PRODUCT.md §3): schedules generated from checklists,
rounds recorded with their findings (each 不符合 becomes a hazard of channel 企业自查), and who
is behind.

The standard set an enterprise owes: 班组日排查 (daily, by team), 部门周排查 (weekly, by
department), 厂长/经理月排查 (monthly, by the manager) and the principal's 重大事故隐患排查 —
quarterly, monthly in high-risk enterprises (any 四涉一有限一使用 tag or 重大危险源).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from anying.core import audit, periods, routine
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM, require
from anying.registry.models import Enterprise

from . import checklists
from .checklists import Finding  # noqa: F401 — callers use self_inspection.Finding
from .models import ChecklistTemplate, Hazard, RoundResult, SelfInspectionRound, SelfInspectionSchedule

Frequency = SelfInspectionSchedule.Frequency
Use = ChecklistTemplate.Use
LOOKBACK_DAYS = routine.LOOKBACK_DAYS  # the window of the completion rate shown to towns
BACKFILL_DAYS = routine.BACKFILL_DAYS  # 补录: a check done on paper may be entered up to a week later


@dataclass(frozen=True)
class Tier:
    use: str
    name: str
    frequency: str
    assignee: str


STANDARD_TIERS = [
    Tier(Use.DAILY, "班组日排查", Frequency.DAILY, "各班组"),
    Tier(Use.WEEKLY, "部门周排查", Frequency.WEEKLY, "各部门"),
    Tier(Use.MONTHLY, "厂长/经理月排查", Frequency.MONTHLY, "厂长（经理）"),
    Tier(Use.MAJOR, "主要负责人重大事故隐患排查", Frequency.QUARTERLY, "主要负责人"),
]


def high_risk(enterprise: Enterprise) -> bool:
    return enterprise.tags.exists()


def _check_enterprise(actor, enterprise: Enterprise) -> None:
    require(actor, "hazards.act", "无权管理日周月排查")
    if actor is not SYSTEM and not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDenied()


@transaction.atomic
def generate(actor, enterprise: Enterprise, starts_on: dt.date | None = None) -> tuple[list, list[str]]:
    """Create the standard schedules the enterprise does not have yet, each with the most
    specific published checklist that applies. Returns (created, tiers without a checklist)."""
    _check_enterprise(actor, enterprise)
    Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()  # two clicks make one set
    starts_on = starts_on or timezone.localdate()
    existing = set(enterprise.self_inspection_schedules.filter(active=True).values_list("checklist__use", flat=True))
    created, missing = [], []
    for tier in STANDARD_TIERS:
        if tier.use in existing:
            continue
        candidates = checklists.applicable(enterprise, tier.use)
        if not candidates:
            missing.append(tier.name)
            continue
        frequency = Frequency.MONTHLY if tier.use == Use.MAJOR and high_risk(enterprise) else tier.frequency
        schedule = SelfInspectionSchedule.objects.create(
            enterprise=enterprise, name=tier.name, frequency=frequency, checklist=candidates[0],
            assignee=tier.assignee, starts_on=starts_on, created_by=actor)
        audit.record(actor, AuditEvent.Action.CREATE, schedule,
                     summary=f"{schedule.name}（{schedule.get_frequency_display()}，{candidates[0]}）")
        created.append(schedule)
    return created, missing


@transaction.atomic
def update_schedule(actor, schedule_id: int, data: dict) -> SelfInspectionSchedule:
    schedule = SelfInspectionSchedule.objects.select_for_update(of=("self",)).select_related("enterprise").get(
        pk=schedule_id)
    _check_enterprise(actor, schedule.enterprise)  # the same scope as visible_to, and the right to act
    fields = ["name", "frequency", "workdays", "checklist", "assignee", "active"]
    before = audit.snapshot(schedule, fields)
    for key in fields:
        if key in data:
            setattr(schedule, key, data[key])
    errors = {}
    if ROUTINE.workdays_refused(schedule):
        errors["workdays"] = ROUTINE.workdays_refused(schedule)
    checklist_ok = schedule.checklist.status == ChecklistTemplate.Status.PUBLISHED and (
        schedule.checklist in checklists.applicable(schedule.enterprise, schedule.checklist.use))
    if not checklist_ok:
        errors["checklist"] = "只能选用已发布且适用于本企业的检查清单"
    if errors:
        raise ValidationError(errors)
    schedule.workdays = "".join(sorted(set(schedule.workdays)))
    schedule.save()
    audit.record(actor, AuditEvent.Action.UPDATE, schedule, before=before, after=audit.snapshot(schedule, fields))
    return schedule


def recordable_days(schedule: SelfInspectionSchedule, today: dt.date | None = None,
                    done: set[dt.date] | None = None) -> list[dt.date]:
    """The days a round of this schedule may be recorded for now, newest first (core/routine.py:
    today and the BACKFILL_DAYS before it, working days only for a daily check, periods without
    a round)."""
    return ROUTINE.recordable_days(schedule, today, done)


@transaction.atomic
def record_round(actor, schedule_id: int, *, inspectors: str, results: dict[int, Finding], note: str = "",
                 today: dt.date | None = None, day: dt.date | None = None) -> SelfInspectionRound:
    """Record a round of a schedule, done on `day` (today unless it is entered late: see
    `recordable_days`). Every item needs a result; each 不符合 is registered as a hazard (企业自查;
    major when the item comes from a 判定标准, citing it). Only the enterprise itself records its
    self-inspection."""
    today = today or timezone.localdate()
    day = day or today
    schedule = SelfInspectionSchedule.objects.select_for_update().select_related("enterprise", "checklist").filter(
        pk=schedule_id).first()
    if schedule is None or (actor is not SYSTEM and not SelfInspectionSchedule.objects.visible_to(actor).filter(
            pk=schedule_id).exists()):
        raise SelfInspectionSchedule.DoesNotExist
    require(actor, "hazards.self_inspect", "日周月排查由企业自行记录")
    period = ROUTINE.open_period(schedule, day, today)
    items = list(schedule.checklist.items.all())
    errors = _check_results(items, results, inspectors)
    if errors:
        raise ValidationError(errors)
    round_ = SelfInspectionRound(schedule=schedule, enterprise=schedule.enterprise, checklist=schedule.checklist,
                                 period_start=period, done_on=day, inspectors=inspectors.strip(), note=note,
                                 recorded_by=actor)
    try:
        with transaction.atomic():
            round_.save()
    except IntegrityError:
        raise ValidationError(ROUTINE.already_text(schedule, period)) from None
    rows = []
    for item in items:
        finding = results[item.pk]
        row = RoundResult(round=round_, item=item, result=finding.result, note=finding.note[:500])
        if finding.result == RoundResult.Result.FAIL:
            row.hazard = checklists.register_finding(
                actor, schedule.enterprise, item, finding, channel=Hazard.Channel.SELF, source=schedule.name,
                default_place=schedule.assignee, found_by=round_.inspectors, found_on=round_.done_on)
        rows.append(row)
    RoundResult.objects.bulk_create(rows)
    round_.findings = sum(1 for r in rows if r.hazard_id)
    round_.save(update_fields=["findings"])
    ROUTINE.mark_done(schedule, period)
    late = f"（{today:%Y-%m-%d} 补录 {day:%Y-%m-%d} 的排查）" if day < today else ""
    audit.record(actor, AuditEvent.Action.CREATE, round_,
                 summary=f"{schedule.name} {periods.label(schedule.frequency, period)}：发现隐患 {round_.findings} 项{late}")
    return round_


def _check_results(items, results: dict[int, Finding], inspectors: str) -> dict:
    errors = {}
    if not inspectors.strip():
        errors["inspectors"] = "请填写排查人员"
    valid = set(RoundResult.Result.values)
    missing = [i for i in items if i.pk not in results or results[i.pk].result not in valid]
    if missing:
        errors["results"] = f"还有 {len(missing)} 个检查项未填写结果（第一项：{missing[0].text[:30]}）"
    unexplained = [i for i in items if i.pk in results and results[i.pk].result == RoundResult.Result.FAIL
                   and not results[i.pk].note.strip()]
    if unexplained:
        errors["results"] = f"不符合的检查项须说明发现的问题（{unexplained[0].text[:30]}）"
    return errors


# ----- reading: what is due and who is behind -----

class ScheduleState(routine.ScheduleState):
    """A schedule's standing (core/routine.py), named on the overview by its checklist's use."""

    @property
    def short_name(self) -> str:
        return SHORT_NAMES.get(self.schedule.checklist.use, self.schedule.name)


SHORT_NAMES = {Use.DAILY: "日排查", Use.WEEKLY: "周排查", Use.MONTHLY: "月排查", Use.MAJOR: "重大隐患排查"}
ROUTINE = routine.Routine(SelfInspectionSchedule, SelfInspectionRound, noun="排查", state_class=ScheduleState)


def states(schedules, today: dt.date | None = None) -> list[ScheduleState]:
    """Where each schedule stands today; one query whatever the number of schedules."""
    return ROUTINE.states(schedules, today)


def states_by_enterprise(enterprises, today: dt.date) -> dict[int, list[ScheduleState]]:
    """The active schedules' standing of each of some enterprises (a page of a list)."""
    schedules = SelfInspectionSchedule.objects.filter(enterprise__in=enterprises, active=True).select_related("checklist")
    found: dict[int, list[ScheduleState]] = {}
    for state in states(schedules, today):
        found.setdefault(state.schedule.enterprise_id, []).append(state)
    return found


def behind_q(today: dt.date | None = None) -> Q:
    """Schedules whose last ended period has no round, as one filter (core/routine.py)."""
    return ROUTINE.behind_q(today)


def _with_schedules():
    return Exists(SelfInspectionSchedule.objects.filter(enterprise=OuterRef("pk"), active=True))


def _behind(behind: Q):
    """An Exists() on Enterprise: has at least one active schedule that is behind."""
    return Exists(SelfInspectionSchedule.objects.filter(behind, enterprise=OuterRef("pk")))


def overview(user, behind: Q):
    """Enterprises in the user's scope with schedules, for the town's 日周月排查 page, the ones
    behind first (annotated `behind`; the page filters with `filters.SelfInspectionFilter`).
    `behind` is `behind_q(today)`, computed once per request."""
    return Enterprise.objects.visible_to(user).filter(_with_schedules()).annotate(behind=_behind(behind)) \
        .select_related("region", "industry").order_by("-behind", "region__path", "name")


def summary(user, behind: Q) -> dict:
    """Counts for the page header: enterprises with schedules, how many are behind, and
    operating enterprises without any schedule."""
    scoped = Enterprise.objects.visible_to(user)
    return {"enterprises": scoped.filter(_with_schedules()).count(),
            "behind": scoped.filter(_behind(behind)).count(),
            "without": scoped.filter(~_with_schedules(), status=Enterprise.Status.OPERATING).count()}


def recent_rounds(enterprise: Enterprise, limit: int = 20):
    return (SelfInspectionRound.objects.filter(enterprise=enterprise)
            .select_related("schedule", "recorded_by").annotate(majors=Count(
                "results", filter=Q(results__hazard__level=Hazard.Level.MAJOR)))[:limit])
