"""The duty app's 待办 (core/workqueue.py): swaps to approve, my shifts in the next two days,
handovers waiting for me, and gaps in my unit's roster in the coming week."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from anying.core.scope import RULES
from anying.core.workqueue import WorkItem, WorkSource

from . import rules
from .models import Assignment, Handover, Shift, Swap


def _swaps(user, today):
    return (Swap.objects.filter(RULES["unit"](user, unit="shift__unit"), status=Swap.Status.REQUESTED)
            .exclude(requested_by_id=user.pk).select_related("shift__unit", "assignment__post")
            .annotate(work_due=F("shift__date")).order_by("shift__starts_at", "id"))


def _mine(user, today):
    now = timezone.now()
    return (Assignment.objects.filter(person_id=user.pk, shift__ends_at__gt=now,
                                      shift__starts_at__lt=now + dt.timedelta(hours=48))
            .select_related("shift__unit", "post").annotate(work_due=F("shift__date")).order_by("shift__starts_at"))


def _handovers(user, today):
    mine = Q(next_shift__assignments__person_id=user.pk)
    if user.has_perm_code("duty.log"):
        mine |= Q(shift__unit_id=user.unit_id)
    return (Handover.objects.filter(mine, received_at__isnull=True).exclude(handed_by_id=user.pk).distinct()
            .select_related("shift__unit").annotate(work_due=TruncDate("handed_at")).order_by("handed_at"))


def _gaps(user, today):
    if not user.unit_id:
        return Shift.objects.none()
    upcoming = Shift.objects.filter(unit_id=user.unit_id, date__range=(today, today + dt.timedelta(days=7)))
    ids = {g.shift.pk for g in rules.gaps(upcoming.select_related("unit__region"))}
    return (Shift.objects.filter(pk__in=ids).select_related("unit")
            .annotate(work_due=F("date")).order_by("starts_at"))


SOURCES = [
    WorkSource("duty.swap", "duty", "值班", "待审批的换班申请", _swaps,
               lambda s: WorkItem(f"{s.shift.unit.name} {s.shift.date:%m-%d} {s.assignment.post.name}：{s.assignment.name} → {s.name}",
                                  reverse("duty_shift", args=[s.shift_id]), s.reason[:60]),
               "duty.approve", list_url="duty_roster", due_label="值班日期", order=700),
    WorkSource("duty.mine", "duty", "值班", "我的值班（48小时内）", _mine,
               lambda a: WorkItem(f"{a.shift.unit.name} {a.post.name}",
                                  reverse("duty_shift", args=[a.shift_id]),
                                  f"{timezone.localtime(a.shift.starts_at):%m-%d %H:%M} 接班"),
               "duty.view", list_url="duty_today", due_label="值班日期", order=710),
    WorkSource("duty.receive", "duty", "值班", "待接班", _handovers,
               lambda h: WorkItem(f"{h.shift.unit.name} {h.shift.date:%m-%d} 交班",
                                  reverse("duty_shift", args=[h.shift_id]), f"移交事项 {len(h.carried)} 项"),
               "duty.view", list_url="duty_today", due_label="交班日期", order=720),
    WorkSource("duty.gaps", "duty", "值班", "值班表缺岗（7天内）", _gaps,
               lambda s: WorkItem(f"{s.unit.name} {s.date:%m-%d} 班", reverse("duty_roster") + f"?unit={s.unit_id}&month={s.date:%Y-%m}",
                                  "人员不足或未满足重点时期要求"),
               "duty.keep", list_url="duty_roster", due_label="值班日期", order=730),
]
