"""`anying tick` for tips: a tip past its verification or reply deadline is flagged once per
deadline (unique tip × kind), put on its timeline and told to its unit and to the 12350 desk.
Dates are Asia/Shanghai; a tip is overdue the day after its deadline."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, recipients, workflow
from anying.core.models import AuditEvent
from anying.core.notifications import notify_many

from .models import Tip, TipEscalation
from .workflow import OPEN_FOR_REPLY, OPEN_FOR_VERIFY

BATCH = 500
DUE = {TipEscalation.Kind.VERIFY: ("verify_due", OPEN_FOR_VERIFY),
       TipEscalation.Kind.REPLY: ("reply_due", OPEN_FOR_REPLY)}


def overdue_q(today: dt.date):
    from django.db.models import Q

    return (Q(status__in=OPEN_FOR_VERIFY, verify_due__lt=today) | Q(status__in=OPEN_FOR_REPLY, reply_due__lt=today))


def run(now: dt.datetime | None = None) -> int:
    today = timezone.localdate(now)
    flagged = 0
    for kind, (field, states) in DUE.items():
        while True:
            done = _batch(kind, field, states, today)
            flagged += done
            if done < BATCH:
                break
    return flagged


@transaction.atomic
def _batch(kind: str, field: str, states, today: dt.date) -> int:
    tips = list(Tip.objects.filter(status__in=states, **{f"{field}__lt": today}).exclude(escalations__kind=kind)
                .select_related("unit", "region").order_by("id")[:BATCH])
    if not tips:
        return 0
    created = TipEscalation.objects.bulk_create([TipEscalation(tip=t, kind=kind) for t in tips],
                                                ignore_conflicts=True)
    label = TipEscalation.Kind(kind).label
    messages, desks = [], {}
    for tip in tips:
        due = getattr(tip, field)
        workflow.record_event(tip, f"escalate:{kind}", previous=tip.status, state=tip.status,
                              comment=f"{label}：期限 {due:%Y-%m-%d}，已逾期 {(today - due).days} 天")
        audit.record(None, AuditEvent.Action.STATE, tip, summary=label)
        if tip.region_id not in desks:
            desks[tip.region_id] = recipients.over(tip.region, "tips.assign")
        users = list(desks[tip.region_id])
        if tip.unit_id:
            users += [u for u in tip.unit.users.filter(is_active=True) if u.has_perm_code("tips.handle")]
        url = reverse("tip_detail", args=[tip.pk])
        messages.extend((u, f"举报 {tip.display_code} {label}", f"{tip.place}；期限 {due:%Y-%m-%d}", url)
                        for u in {u.pk: u for u in users}.values())
    notify_many(messages)
    return len(created)
