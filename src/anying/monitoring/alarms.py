"""The alarm lifecycle (issue #16 point 5): triggered → acknowledged → handled by the enterprise
(cause, measures, photos; real or 误报 with its kind) → 消警 confirmed by the supervising town or
department, who may send it back. Levels and their time limits are data (data/alarm_levels.csv).

Escalation runs from the watch job: an alarm nobody acknowledged within its level's limit goes
to the duty desk of the enterprise's town (园区/镇街值班), and later to the district's leader on
duty (带班领导) — each step once, on the alarm's timeline, over the notification kit's channels.

An alarm can be taken further: into a 接报事件 (incidents) or a 隐患 (hazards), linked both ways.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, recipients, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Organisation, Region
from anying.core.notifications import notify_many
from anying.core.permissions import SYSTEM, is_enterprise_user
from anying.core.workflow import Lifecycle, Transition

from .models_sensors import Alarm

S = Alarm.Status
DATA = Path(__file__).parent / "data" / "alarm_levels.csv"


@dataclass(frozen=True)
class Level:
    level: int
    name: str
    color: str
    acknowledge_minutes: int
    handle_minutes: int
    escalate_town_minutes: int
    escalate_district_minutes: int
    default_for: str
    source: str
    verified: bool


@cache
def levels() -> dict[int, Level]:
    with DATA.open(encoding="utf-8") as f:
        return {int(r["level"]): Level(int(r["level"]), r["name"], r["color"], int(r["acknowledge_minutes"]),
                                       int(r["handle_minutes"]), int(r["escalate_town_minutes"]),
                                       int(r["escalate_district_minutes"]), r["default_for"], r["source"],
                                       r["verified"] == "yes")
                for r in csv.DictReader(f)}


def level_of(alarm: Alarm) -> Level:
    return levels().get(alarm.level) or levels()[max(levels())]


def acknowledge_due(alarm: Alarm) -> dt.datetime:
    return alarm.raised_at + dt.timedelta(minutes=level_of(alarm).acknowledge_minutes)


def handle_due(alarm: Alarm) -> dt.datetime:
    return alarm.raised_at + dt.timedelta(minutes=level_of(alarm).handle_minutes)


def overdue(alarm: Alarm, now: dt.datetime) -> str:
    if alarm.status == S.TRIGGERED and now > acknowledge_due(alarm):
        return "确认超时"
    if alarm.status in (S.TRIGGERED, S.ACKNOWLEDGED) and now > handle_due(alarm):
        return "处置超时"
    return ""


# --- who --------------------------------------------------------------------------------------

ENTERPRISE, SUPERVISOR = "enterprise", "supervisor"


def _town_units(region_id: int) -> list[int]:
    """The town office over the enterprise's place (its town, or the town above its village)."""
    path_ids = recipients.ancestors(region_id)
    towns = Region.objects.filter(pk__in=path_ids, level=Region.Level.TOWN).values_list("pk", flat=True)
    return list(Organisation.objects.filter(kind=Organisation.Kind.TOWN_OFFICE, region_id__in=towns, is_active=True)
                .values_list("pk", flat=True))


def may_clear(user, enterprise) -> bool:
    """消警 is the supervising units' (the town office of the place and the departments of its
    industry, at its level or above: core.recipients.supervising_units). Memoised per request
    user and (place, industry), so a board of many alarms asks once per town."""
    if user is SYSTEM or is_enterprise_user(user) or not user.has_perm_code("monitoring.clear"):
        return user is SYSTEM
    memo = user.__dict__.setdefault("_ay_may_clear", {})
    key = (enterprise.region_id, enterprise.industry_id)
    if key not in memo:
        memo[key] = user.unit_id in {u.pk for u in recipients.supervising_units(*key)}
    return memo[key]


def parties_of(user, alarm: Alarm) -> set[str]:
    if is_enterprise_user(user):
        if user.unit_id == alarm.enterprise.organisation_id and user.has_perm_code("monitoring.alarm"):
            return {ENTERPRISE}
        return set()
    return {SUPERVISOR} if may_clear(user, alarm.enterprise) else set()


def enterprise_people(alarm: Alarm):
    return recipients.members([alarm.enterprise.organisation_id], "monitoring.alarm")


def supervisors(alarm: Alarm):
    ent = alarm.enterprise
    return recipients.supervisors(ent.region_id, ent.industry_id, "monitoring.clear")


def town_desk(alarm: Alarm):
    return recipients.desk(_town_units(alarm.enterprise.region_id), "monitoring.clear")


def district_leaders(alarm: Alarm):
    """The district's leader on duty (带班领导); without a roster, the district's duty desk."""
    from anying.duty import services as duty

    district = Region.objects.filter(pk__in=recipients.ancestors(alarm.enterprise.region_id),
                                     level=Region.Level.DISTRICT).values_list("pk", flat=True)
    units = list(Organisation.objects.filter(region_id__in=district, is_active=True).exclude(
        kind=Organisation.Kind.ENTERPRISE).values_list("pk", flat=True))
    leaders = [a.person for a in duty.on_duty(units) if a.post.is_leader and a.person and a.person.is_active]
    return leaders or recipients.desk(units, "incidents.view")


# --- the table --------------------------------------------------------------------------------

def _acknowledge(step) -> None:
    step.record.acknowledged_at = timezone.now()


def _handle(step) -> None:
    alarm, data = step.record, step.data
    errors = {}
    cause = data.get("cause", "")
    if cause not in Alarm.Cause.values:
        errors["cause"] = "请选择报警性质（真实报警或误报）"
    false_kind = data.get("false_kind", "") if cause == Alarm.Cause.FALSE else ""
    if cause == Alarm.Cause.FALSE and false_kind not in Alarm.FalseKind.values:
        errors["false_kind"] = "误报须选择误报类型"
    reason = (data.get("reason") or "").strip()
    measures = (data.get("measures") or "").strip()
    if not reason:
        errors["reason"] = "请填写报警原因"
    if not measures:
        errors["measures"] = "请填写处置措施"
    if len(reason) > 2000 or len(measures) > 2000:
        errors["measures"] = "原因和措施各不超过2000字"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    if alarm.acknowledged_at is None:  # handling it acknowledges it
        alarm.acknowledged_at, alarm.acknowledged_by = now, step.actor if step.actor is not SYSTEM else None
    alarm.cause, alarm.false_kind, alarm.reason, alarm.measures = cause, false_kind, reason, measures
    alarm.handled_at = now


def _clear(step) -> None:
    step.record.cleared_at = timezone.now()
    step.record.is_active = False


def _send_back(step) -> None:
    step.record.handled_at = None


TABLE = [
    Transition("acknowledge", "确认报警", (S.TRIGGERED,), S.ACKNOWLEDGED, frozenset({ENTERPRISE}),
               stamp=("acknowledged_by",), apply=_acknowledge),
    Transition("handle", "反馈处置", (S.TRIGGERED, S.ACKNOWLEDGED), S.HANDLED, frozenset({ENTERPRISE}),
               stamp=("handled_by",), apply=_handle, notify=("supervisors",)),
    Transition("clear", "确认消警", (S.HANDLED,), S.CLEARED, frozenset({SUPERVISOR}), stamp=("cleared_by",),
               apply=_clear, notify=("enterprise",)),
    Transition("send_back", "退回重新处置", (S.HANDLED,), S.ACKNOWLEDGED, frozenset({SUPERVISOR}),
               needs_comment="请说明退回原因", apply=_send_back, notify=("enterprise",)),
]

LIFECYCLE = workflow.register(Lifecycle(
    model=Alarm, label="监测报警", transitions=TABLE, parties=parties_of,
    recipients={"enterprise": enterprise_people, "supervisors": supervisors},
    audited=["status", "cause", "false_kind", "reason", "measures", "level"],
    events={"raised": "报警", "escalate": "逾期升级", "to_incident": "转接报事件", "to_hazard": "转隐患",
            "reopen": "再次超限，重新处置"},
    describe=lambda a: f"{a.enterprise.name} {a.description}",
    summary=lambda a: f"{level_of(a).name}报警",
    url=lambda a: reverse("alarm_detail", args=[a.pk])))


def run(actor, pk: int, name: str, **kwargs) -> Alarm:
    return workflow.run(LIFECYCLE, actor, pk, name, **kwargs)


# --- raised, escalated ------------------------------------------------------------------------

def raised(alarm: Alarm) -> None:
    """A new alarm: on its timeline, and to the enterprise's people at once (the caller's
    transaction, so the row and its notifications commit together)."""
    workflow.record_event(alarm, "raised", comment=alarm.description, at=alarm.raised_at)
    level = level_of(alarm)
    title = f"【{level.name}报警】{alarm.enterprise.name} {alarm.description}"
    body = f"报警值 {alarm.first_value:g}；请在{level.acknowledge_minutes}分钟内确认、{level.handle_minutes}分钟内反馈处置"
    url = reverse("alarm_detail", args=[alarm.pk])
    notify_many((u, title, body, url) for u in enterprise_people(alarm))


def escalate(now: dt.datetime | None = None) -> int:
    """Unacknowledged alarms past their level's limits go up: 镇街/园区值班, then 区带班领导."""
    now = now or timezone.now()
    moved = 0
    open_alarms = Alarm.objects.filter(status=S.TRIGGERED, is_active=True, escalation__lt=2).select_related(
        "enterprise")
    for alarm in open_alarms:
        level = level_of(alarm)
        stage = 0
        if now >= alarm.raised_at + dt.timedelta(minutes=level.escalate_district_minutes):
            stage = 2
        elif now >= alarm.raised_at + dt.timedelta(minutes=level.escalate_town_minutes):
            stage = 1
        if stage <= alarm.escalation:
            continue
        with transaction.atomic():
            if not Alarm.objects.filter(pk=alarm.pk, escalation__lt=stage, status=S.TRIGGERED).update(
                    escalation=stage, escalated_at=now):
                continue  # acknowledged or escalated by another worker meanwhile
            who = town_desk(alarm) if stage == 1 else district_leaders(alarm)
            whom = "镇街（园区）值班" if stage == 1 else "区值班带班领导"
            minutes = level.escalate_town_minutes if stage == 1 else level.escalate_district_minutes
            text = f"报警{minutes}分钟未确认，已升级至{whom}"
            workflow.record_event(alarm, "escalate", comment=text)
            title = f"【{level.name}报警未确认】{alarm.enterprise.name} {alarm.description}"
            notify_many((u, title, f"{text}；请电话核实企业处置情况", reverse("alarm_detail", args=[alarm.pk]))
                        for u in who)
            moved += 1
    return moved


# --- into an incident or a hazard -------------------------------------------------------------

def _visible(user, pk: int) -> Alarm:
    alarm = LIFECYCLE.queryset(user).select_for_update(of=("self",)).filter(pk=pk).first()
    if alarm is None:
        raise PermissionDenied("找不到该报警，或不在您的管辖范围内")
    return alarm


@transaction.atomic
def to_incident(user, pk: int):
    """接报: the alarm becomes an incident at the desk of the user's unit (source 监测报警)."""
    from anying.incidents import services as incidents
    from anying.incidents.models import Kind, Source

    alarm = _visible(user, pk)
    if alarm.incident_id:
        raise ValidationError("该报警已转为接报事件")
    ent = alarm.enterprise
    incident = incidents.record(user, {
        "title": f"{ent.name}{alarm.description}"[:200], "kind": Kind.WORK_SAFETY, "enterprise": ent, "party": ent.name, "region": ent.region,
        "place": alarm.installation.name, "occurred_at": alarm.first_at, "received_at": timezone.now(),
        "source": Source.ALARM,
        "source_detail": f"监测报警 {alarm.number}", "description": _facts(alarm)})
    alarm.incident = incident
    alarm.save(update_fields=["incident"])
    workflow.record_event(alarm, "to_incident", actor=user, comment=str(incident))
    audit.record(user, AuditEvent.Action.UPDATE, alarm, summary=f"转接报事件 {incident.pk}")
    return incident


def _facts(alarm: Alarm) -> str:
    return (f"{alarm.installation.name} {alarm.sensor.name}（{alarm.sensor.code}）{alarm.description}；"
            f"报警值 {alarm.first_value:g}{alarm.sensor.unit}，首次 {timezone.localtime(alarm.first_at):%Y-%m-%d %H:%M:%S}，"
            f"共 {alarm.count} 次")


def link_hazard(user, pk: int, hazard) -> None:
    """The hazard registered from an alarm (the caller's transaction registered it)."""
    alarm = _visible(user, pk)
    if alarm.hazard_id:
        raise ValidationError("该报警已转为隐患")
    alarm.hazard = hazard
    alarm.save(update_fields=["hazard"])
    workflow.record_event(alarm, "to_hazard", actor=user, comment=str(hazard))
    audit.record(user, AuditEvent.Action.UPDATE, alarm, summary=f"转隐患 {hazard.pk}")
