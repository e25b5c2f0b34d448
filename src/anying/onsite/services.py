"""Writes of the on-site register — a day on site of the 实际控制人 or 总工程师, a month's meeting
with its minutes — and the month's table the town reads. Each write checks the permission and
that the enterprise and the person are the actor's own, validates with Chinese messages keyed
by field (nothing written on a refusal) and records the audit event, in one transaction.

A month is judged when it has ended: its working days on site (national calendar, core.periods)
against the minimums of data/minimums.csv; the running month shows how far it has got. Days
recorded after their month ended count but are flagged 补录."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from anying.core import audit
from anying.core.attachments import attach
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM, require
from anying.registry.models import Enterprise, KeyPerson

from . import rules
from .models import ONSITE_KINDS, Meeting, OnsiteDay

A = AuditEvent.Action
MINE_INDUSTRY = "feimei"  # mines appear in the table even before their people are registered


def _text(data: dict, key: str, limit: int, multi: bool = False) -> str:
    value = str(data.get(key) or "")
    return value.strip()[:limit] if multi else " ".join(value.split())[:limit]


def own_enterprise(actor, enterprise) -> Enterprise:
    require(actor, "onsite.record", "无权登记在岗履职")
    pk = getattr(enterprise, "pk", enterprise)
    scope = Enterprise.objects.all() if actor is SYSTEM else Enterprise.objects.visible_to(actor)
    found = scope.filter(pk=pk).first() if isinstance(pk, int) else None
    if found is None:
        raise PermissionDenied("只能登记本企业的在岗履职")
    return found


def _day(value, errors: dict, key: str) -> dt.date | None:
    if not isinstance(value, dt.date):
        errors[key] = "请填写日期"
    elif value > timezone.localdate():
        errors[key] = "日期不能晚于今天"
    elif value < timezone.localdate() - dt.timedelta(days=400):
        errors[key] = "只能登记一年以内的履职"
    else:
        return value
    return None


@transaction.atomic
def record_day(actor, enterprise, data: dict, *, is_demo: bool = False) -> OnsiteDay:
    """One day on site of the enterprise's 实际控制人 or 总工程师."""
    ent = own_enterprise(actor, enterprise)
    errors: dict = {}
    pk = getattr(data.get("person"), "pk", data.get("person"))
    person = (KeyPerson.objects.filter(enterprise=ent, kind__in=ONSITE_KINDS, is_active=True, pk=pk).first()
              if isinstance(pk, int) else None)
    if person is None:
        errors["person"] = "请选择本企业在岗的实际控制人或总工程师（在企业档案的关键人员中登记）"
    day = _day(data.get("day"), errors, "day")
    work = _text(data, "work", 300)
    if not work:
        errors["work"] = "请填写履职内容"
    if person is not None and day is not None and OnsiteDay.objects.filter(person=person, day=day).exists():
        errors["day"] = f"{person.name} {day} 已登记"
    if errors:
        raise ValidationError(errors)
    row = OnsiteDay.objects.create(enterprise=ent, person=person, day=day, work=work, is_demo=is_demo,
                                   created_by=None if actor is SYSTEM else actor)
    late = "（补录）" if row.late else ""
    audit.record(actor, A.CREATE, row, after=audit.snapshot(row, ["person", "day", "work"]),
                 summary=f"在岗履职：{person.get_kind_display()}{person.name} {day}{late}")
    return row


@transaction.atomic
def save_meeting(actor, enterprise, data: dict, *, files=(), is_demo: bool = False) -> Meeting:
    """The month's meeting on major safety questions and its minutes (the signed scan attached)."""
    ent = own_enterprise(actor, enterprise)
    errors: dict = {}
    held_on = _day(data.get("held_on"), errors, "held_on")
    topics = _text(data, "topics", 500)
    if not topics:
        errors["topics"] = "请填写研究的安全生产重大问题"
    attendees = _text(data, "attendees", 300)
    if not attendees:
        errors["attendees"] = "请填写参会人员"
    minutes = _text(data, "minutes", 5000, multi=True)
    if len(minutes) < 10:
        errors["minutes"] = "请填写会议纪要（议定事项、责任人和完成时限），不少于10个字"
    if errors:
        raise ValidationError(errors)
    meeting = Meeting.objects.create(enterprise=ent, held_on=held_on, topics=topics, attendees=attendees,
                                     minutes=minutes, is_demo=is_demo, created_by=None if actor is SYSTEM else actor)
    for upload in files:
        attach(actor, meeting, upload)
    audit.record(actor, A.CREATE, meeting, after=audit.snapshot(meeting, ["held_on", "topics", "attendees"]),
                 summary=f"安全生产重大问题会议纪要：{held_on}（{topics[:40]}）")
    return meeting


# ----- the month -----

def month_table(enterprises, month: dt.date) -> list[dict]:
    """One row per mine (an enterprise with an active 实际控制人 or 总工程师, or of the mine
    industry): each person's days on site in the month (working days of the national calendar,
    all days, 补录), the minimum and whether it is met, the meetings held — and the chief
    engineer's qualification gaps. `closed`: the month has ended, so a shortfall is final."""
    start, end = rules.month_bounds(month)
    today = timezone.localdate()
    closed = end < today
    mins = rules.minimums()
    onsite = KeyPerson.objects.filter(enterprise=OuterRef("pk"), kind__in=ONSITE_KINDS, is_active=True)
    mines = list(enterprises.filter(Q(Exists(onsite)) | Q(industry__code=MINE_INDUSTRY))
                 .exclude(status=Enterprise.Status.CLOSED).select_related("region").order_by("region__path", "name"))
    ids = [e.pk for e in mines]
    people = defaultdict(list)
    for p in KeyPerson.objects.filter(enterprise_id__in=ids, kind__in=ONSITE_KINDS, is_active=True).order_by("kind", "name"):
        people[p.enterprise_id].append(p)
    days = defaultdict(list)
    for person_id, day, created in (OnsiteDay.objects.filter(enterprise_id__in=ids, day__range=(start, end))
                                    .values_list("person_id", "day", "created_at")):
        days[person_id].append((day, created))
    meetings = dict(Meeting.objects.filter(enterprise_id__in=ids, held_on__range=(start, end))
                    .values_list("enterprise_id").annotate(n=Count("id")))
    rows = []
    for ent in mines:
        persons, short = [], False
        for p in people[ent.pk]:
            got = days[p.pk]
            work = sum(rules.is_working_day(d) for d, _ in got)
            late = sum((c.date().year, c.date().month) > (d.year, d.month) for d, c in got)
            need = mins[p.kind].minimum
            met = work >= need
            short |= closed and not met
            persons.append({"person": p, "working_days": work, "days": len(got), "late": late, "minimum": need,
                            "met": met, "gaps": rules.chief_engineer_gaps(p) if p.kind == KeyPerson.Kind.CHIEF_ENGINEER
                            else []})
        held = meetings.get(ent.pk, 0)
        meeting_met = held >= mins["meeting"].minimum
        short |= closed and not meeting_met
        kinds = {p["person"].kind for p in persons}
        missing = [label for kind, label in ((KeyPerson.Kind.ACTUAL_CONTROLLER, "实际控制人"),
                                             (KeyPerson.Kind.CHIEF_ENGINEER, "总工程师")) if kind not in kinds]
        rows.append({"enterprise": ent, "persons": persons, "meetings": held, "meeting_met": meeting_met,
                     "missing": missing, "short": short or bool(missing), "closed": closed})
    return rows


def monthly(enterprise, start: dt.date, end: dt.date) -> dict:
    """The 企业月报 block (core.hooks.MonthlySource "onsite"): days on site of the actual
    controller(s) and of the chief engineer(s) in the month, and the meetings held."""
    got = OnsiteDay.objects.filter(enterprise=enterprise, day__range=(start, end)).aggregate(
        ac=Count("id", filter=Q(person__kind=KeyPerson.Kind.ACTUAL_CONTROLLER)),
        ce=Count("id", filter=Q(person__kind=KeyPerson.Kind.CHIEF_ENGINEER)))
    meetings = Meeting.objects.filter(enterprise=enterprise, held_on__range=(start, end)).count()
    return {"controller_days": got["ac"] or 0, "engineer_days": got["ce"] or 0, "meetings": meetings}
