"""Due work for `anying tick`: overdue hazards climb the escalation ladder one rung at a time.

Overdue is computed from dates in Asia/Shanghai (the deadline is a date). Hazards are taken in
batches with `SELECT … FOR UPDATE SKIP LOCKED`, so two ticks running at once share the work; the
unique (hazard, step) constraint is the last guard, so a step is never taken twice. The cost is
a constant number of queries per batch: linear in the number of overdue hazards."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from anying.core.bulk import db_value, insert_rows
from anying.core.models import AuditEvent, Organisation, TimelineEvent, User
from anying.core.notifications import notify_many

from .models import Escalation, EscalationStep, Hazard

OPEN = [Hazard.Status.REGISTERED, Hazard.Status.RECTIFYING]
BATCH = 2000
TICK_FIELDS = ["id", "status", "deadline", "place", "description", "region_id", "organisation_id", "enterprise_id",
               "enterprise__name", "region__path"]


def run(now: dt.datetime | None = None) -> int:
    today = timezone.localdate(now)  # Asia/Shanghai (settings.TIME_ZONE)
    taken = 0
    for step in EscalationStep.objects.all():
        due = Hazard.objects.filter(status__in=OPEN, deadline__lte=today - dt.timedelta(days=step.days_overdue))
        if step.major_only:
            due = due.filter(level=Hazard.Level.MAJOR)
        due = due.exclude(escalations__step=step)
        while True:
            done = _batch(step, due, today)
            taken += done
            if done < BATCH:
                break
    return taken


@transaction.atomic
def _batch(step: EscalationStep, due, today: dt.date) -> int:
    lock = {"skip_locked": True, "of": ("self",)} if connection.features.has_select_for_update_skip_locked else {}
    # only what the timeline, the audit event and the message need: at 50,000 hazards the tick's
    # time is mostly Python building objects, and full enterprise rows triple it
    hazards = list(due.select_for_update(**lock).select_related("enterprise", "region")
                   .only(*TICK_FIELDS).order_by("id")[:BATCH])
    if not hazards:
        return 0
    stamp = timezone.now()
    at = db_value(Escalation, "at", stamp)  # every row of the batch shares it: converted once
    insert_rows(Escalation, ["hazard", "step", "days_overdue", "at"],
                ((h.pk, step.pk, (today - h.deadline).days, at) for h in hazards), ignore_conflicts=True)
    # Only the rows this run really inserted (its own timestamp) get a timeline entry and an audit event.
    mine = set(Escalation.objects.filter(step=step, hazard__in=hazards, at=stamp).values_list("hazard_id", flat=True))
    comment = f"逾期 {{days}} 天，{step.label}"
    content_type = ContentType.objects.get_for_model(Hazard).pk  # once per batch, not per event
    insert_rows(TimelineEvent, ["content_type", "object_id", "action", "from_state", "to_state", "actor", "comment",
                                "public", "at"],
                ((content_type, h.pk, f"escalate:{step.code}", h.status, h.status, None,
                  comment.format(days=(today - h.deadline).days), False, at) for h in hazards if h.pk in mine))
    summary = f"逾期升级：{step.label}"
    insert_rows(AuditEvent, ["at", "actor", "ip", "action", "content_type", "object_id", "object_repr", "summary",
                             "before", "after", "region_path"],
                ((at, None, None, AuditEvent.Action.STATE, content_type, str(h.pk), str(h)[:255], summary, None, None,
                  h.region.path) for h in hazards if h.pk in mine))
    _notify(step, [h for h in hazards if h.pk in mine], today)
    return len(hazards)


def _notify(step: EscalationStep, hazards: list[Hazard], today: dt.date) -> None:
    """The enterprise's own accounts and the town office of its region hear of every step."""
    towns = {h.region_id for h in hazards}
    units = {h.organisation_id for h in hazards}
    offices = dict(Organisation.objects.filter(kind=Organisation.Kind.TOWN_OFFICE, region_id__in=towns)
                   .values_list("pk", "region_id"))
    recipients: dict[int, list] = {}
    for user in User.objects.filter(unit_id__in=units | set(offices), is_active=True):
        key = offices.get(user.unit_id)
        recipients.setdefault(("town", key) if key else ("org", user.unit_id), []).append(user)
    messages = []
    for h in hazards:
        users = recipients.get(("org", h.organisation_id), []) + recipients.get(("town", h.region_id), [])
        if not users:
            continue
        title = f"隐患逾期 {(today - h.deadline).days} 天：{step.label}"
        body = f"{h.enterprise.name}：{h.place}，{h.description[:60]}；整改期限 {h.deadline:%Y-%m-%d}"
        url = reverse("hazard_detail", args=[h.pk])
        messages.extend((user, title, body, url) for user in users)
    notify_many(messages)
