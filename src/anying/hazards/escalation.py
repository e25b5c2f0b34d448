"""Due work for `anying tick`: overdue hazards climb the escalation ladder one rung at a time.

Overdue is computed from dates in Asia/Shanghai (the deadline is a date). Hazards are taken in
batches with `SELECT … FOR UPDATE SKIP LOCKED`, so two ticks running at once share the work; the
unique (hazard, step) constraint is the last guard, so a step is never taken twice. The cost is
a constant number of queries per batch: linear in the number of overdue hazards."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from anying.core import audit
from anying.core.models import AuditEvent

from .models import Escalation, EscalationStep, Hazard, HazardEvent

OPEN = [Hazard.Status.REGISTERED, Hazard.Status.RECTIFYING]
BATCH = 2000


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
    hazards = list(due.select_for_update(**lock).select_related("region").order_by("id")[:BATCH])
    if not hazards:
        return 0
    stamp = timezone.now()
    rows = [Escalation(hazard=h, step=step, days_overdue=(today - h.deadline).days, at=stamp) for h in hazards]
    Escalation.objects.bulk_create(rows, ignore_conflicts=True)
    # Only the rows this run really inserted (its own timestamp) get a timeline entry and an audit event.
    mine = set(Escalation.objects.filter(step=step, hazard__in=hazards, at=stamp).values_list("hazard_id", flat=True))
    comment = f"逾期 {{days}} 天，{step.label}"
    HazardEvent.objects.bulk_create([
        HazardEvent(hazard=h, transition=f"escalate:{step.code}", from_status=h.status, to_status=h.status,
                    comment=comment.format(days=(today - h.deadline).days)) for h in hazards if h.pk in mine])
    AuditEvent.objects.bulk_create([
        audit.build(None, AuditEvent.Action.STATE, h, summary=f"逾期升级：{step.label}") for h in hazards if h.pk in mine])
    return len(hazards)
