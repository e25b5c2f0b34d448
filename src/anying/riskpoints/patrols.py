"""Patrols of the points (B4.6 日周月, B3.8 雨前/雨中/雨后) and their findings to 销号.

The 日周月 tiers (data/patrol_tiers.csv: 村日巡查, 镇街周检查, 区级月抽查) are schedules on
core/routine.py, the engine of the enterprise's 日周月排查 and the warehouse checks, so a point is
落后 by the same rule. The rain checks are created per point and phase when a warning of the
flood or geological families is issued (ON_ISSUE), each with a deadline from data/rain_checks.csv;
one not done by its deadline is 落后. A round or check that found a problem opens a
`PatrolFinding`, which the town reports rectified and someone else closes (销号)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, recipients, routine, workflow
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM, require
from anying.core.workflow import PERM, Lifecycle, Transition
from anying.warning.hooks import Area

from . import reference
from .models import DisasterRiskPoint
from .models_patrols import PatrolFinding, PatrolRound, PatrolSchedule, RainCheck, Tier

A = AuditEvent.Action
ROUTINE = routine.Routine(PatrolSchedule, PatrolRound, noun="巡查")
RAIN_FAMILIES = {"flood", "geological"}
F = PatrolFinding.Status


def _points(actor):
    return DisasterRiskPoint.objects.all() if actor is SYSTEM else DisasterRiskPoint.objects.visible_to(actor)


@transaction.atomic
def ensure_schedules(actor, point_id: int, starts_on: dt.date | None = None) -> list[PatrolSchedule]:
    """Give the point the three tiers it does not have yet (村日巡查 on every day, 镇街周检查, 区级月抽查)."""
    require(actor, "riskpoints.patrol")
    point = _points(actor).select_for_update(of=("self",)).get(pk=point_id)
    if point.status == DisasterRiskPoint.Status.CLOSED:
        raise ValidationError("已销号的风险点不再安排巡查")
    have = set(point.patrol_schedules.filter(active=True).values_list("tier", flat=True))
    made = []
    for code, row in reference.patrol_tiers().items():
        if code in have:
            continue
        s = PatrolSchedule.objects.create(point=point, tier=code, name=row["label"], frequency=row["frequency"],
                                          workdays="1234567", starts_on=starts_on or timezone.localdate(),
                                          created_by=None if actor is SYSTEM else actor)
        audit.record(actor, A.CREATE, s, summary=f"{point.name} {s.name}", place=point)
        made.append(s)
    return made


@transaction.atomic
def record_round(actor, schedule_id: int, *, inspectors: str, problem: bool = False, note: str = "",
                 day: dt.date | None = None, today: dt.date | None = None) -> PatrolRound:
    """A patrol done on `day` (today, or up to a week back): one per period; a problem opens a finding."""
    require(actor, "riskpoints.patrol")
    today = today or timezone.localdate()
    day = day or today
    scope = PatrolSchedule.objects.all() if actor is SYSTEM else PatrolSchedule.objects.visible_to(actor)
    schedule = scope.select_for_update(of=("self",)).select_related("point").get(pk=schedule_id)
    period = ROUTINE.open_period(schedule, day, today)
    errors = {}
    inspectors = " ".join((inspectors or "").split())[:100]
    note = (note or "").strip()[:2000]
    if not inspectors:
        errors["inspectors"] = "请填写巡查人员"
    if problem and not note:
        errors["note"] = "发现问题时请描述问题"
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            rnd = PatrolRound.objects.create(schedule=schedule, point=schedule.point, period_start=period, done_on=day,
                                             inspectors=inspectors, problem=problem, note=note,
                                             recorded_by=None if actor is SYSTEM else actor)
    except IntegrityError as exc:
        raise ValidationError({"day": ROUTINE.already_text(schedule, period)}) from exc
    ROUTINE.mark_done(schedule, period)
    audit.record(actor, A.CREATE, rnd, place=schedule.point,
                 summary=f"{schedule.point.name} {schedule.name}（{day}）" + ("：发现问题" if problem else "：正常"))
    if problem:
        _open_finding(actor, schedule.point, note, day, round=rnd)
    return rnd


def states(schedules, today=None):
    return ROUTINE.states(schedules, today)


def behind_schedules(user, today=None):
    scope = PatrolSchedule.objects.all() if user is SYSTEM else PatrolSchedule.objects.visible_to(user)
    return scope.filter(ROUTINE.behind_q(today))


# ----- rain checks -----

def _due(phase: str, warning) -> dt.datetime:
    hours = reference.rain_checks()[phase]["due_hours"]
    now = timezone.now()
    if phase == RainCheck.Phase.AFTER:
        return warning.expires + dt.timedelta(hours=hours)
    base = max(warning.onset, now + dt.timedelta(hours=1)) if phase == RainCheck.Phase.BEFORE else warning.onset
    return base + dt.timedelta(hours=hours)


def rain_checks_for(warning, area: Area) -> int:
    """ON_ISSUE: a 雨前排查, 雨中巡查 and 雨后核查 for each open point of the warning's area, when the
    warning is of the rain families (flood, geological). Idempotent (unique per point and phase)."""
    if not (set(area.families) & RAIN_FAMILIES):
        return 0
    from .evacuations import points_in

    points = [p for p in points_in(area).select_related("place")
              if area.covers_point(p.place.longitude, p.place.latitude)]
    rows = [RainCheck(point=p, warning=warning, phase=phase, due_at=_due(phase, warning))
            for p in points for phase in RainCheck.Phase.values]
    RainCheck.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def complete_rain_check(actor, check_id: int, *, problem: bool = False, note: str = "") -> RainCheck:
    require(actor, "riskpoints.patrol")
    scope = RainCheck.objects.all() if actor is SYSTEM else RainCheck.objects.visible_to(actor)
    check = scope.select_for_update(of=("self",)).select_related("point").get(pk=check_id)
    if check.done_at is not None:
        raise ValidationError(f"该{check.get_phase_display()}已于 {timezone.localtime(check.done_at):%m-%d %H:%M} 完成")
    note = (note or "").strip()[:2000]
    if problem and not note:
        raise ValidationError({"note": "发现问题时请描述问题"})
    check.done_at, check.done_by, check.problem, check.note = timezone.now(), None if actor is SYSTEM else actor, problem, note
    check.save()
    audit.record(actor, A.UPDATE, check, place=check.point,
                 summary=f"{check.point.name} {check.get_phase_display()}" + ("：发现问题" if problem else "：正常"))
    if problem:
        _open_finding(actor, check.point, note, timezone.localdate(), rain_check=check)
    return check


def behind_rain_checks(user, now=None):
    scope = RainCheck.objects.all() if user is SYSTEM else RainCheck.objects.visible_to(user)
    return scope.filter(done_at__isnull=True, due_at__lt=now or timezone.now())


# ----- findings to 销号 -----

def _open_finding(actor, point, description: str, day: dt.date, **source) -> PatrolFinding:
    f = PatrolFinding.objects.create(point=point, description=description, found_on=day,
                                     deadline=day + dt.timedelta(days=7),
                                     reported_by=None if actor is SYSTEM else actor, **source)
    workflow.record_event(f, "found", actor=None if actor is SYSTEM else actor, state=F.OPEN, comment=description)
    audit.record(actor, A.CREATE, f, place=point, summary=f"巡查发现问题：{point.name}")
    return f


def _closed(step) -> None:
    step.record.closed_on = timezone.localdate()


PATROL = PERM + "riskpoints.patrol"
FINDINGS = workflow.register(Lifecycle(
    model=PatrolFinding, label="巡查发现问题", transitions=[
        Transition("rectify", "报告整改完成", (F.OPEN,), F.RECTIFIED, frozenset({PATROL}),
                   needs_comment="请说明整改措施和结果", stamp=("rectified_by",)),
        Transition("close", "销号", (F.RECTIFIED,), F.CLOSED, frozenset({PATROL}), separated=("rectified_by",),
                   stamp=("closed_by",), apply=_closed),
        Transition("reject", "退回整改", (F.RECTIFIED,), F.OPEN, frozenset({PATROL}), needs_comment="请说明退回原因",
                   separated=("rectified_by",)),
    ], recipients={"town": lambda f: recipients.over(f.point.region_id, "riskpoints.patrol")},
    audited=["status", "closed_on"], events={"found": "巡查发现"},
    describe=lambda f: f"{f.point.name} 巡查问题",
    url=lambda f: reverse("riskpoint_detail", args=[f.point_id])))


def run_finding(actor, pk: int, name: str, **kwargs) -> PatrolFinding:
    return workflow.run(FINDINGS, actor, pk, name, **kwargs)


TIERS = Tier
