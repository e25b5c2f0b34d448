"""What 停复产 puts on the 待办 (core/workqueue.py): restart applications awaiting the acceptance
check, and accepted ones whose restart date has come."""

from __future__ import annotations

from django.db.models import F
from django.urls import reverse

from anying.core.workqueue import WorkItem, WorkSource

from .models import Stoppage


def to_check(user, today):
    return (Stoppage.objects.visible_to(user).filter(status=Stoppage.Status.APPLIED).select_related("enterprise")
            .annotate(work_due=F("applied_on")).order_by("applied_on", "id"))


def _check(s: Stoppage) -> WorkItem:
    return WorkItem(f"{s.enterprise.name} 申请复产", reverse("stoppages:detail", args=[s.pk]), f"{s.number}")


def orders_open(user, today):
    return (Stoppage.objects.visible_to(user).filter(status=Stoppage.Status.ORDERED).select_related("enterprise")
            .annotate(work_due=F("ordered_on")).order_by("ordered_on", "id"))


def _open(s: Stoppage) -> WorkItem:
    return WorkItem(f"{s.enterprise.name} 停产整顿中", reverse("stoppages:detail", args=[s.pk]),
                    f"整改后申请复产{'，最早 ' + s.earliest_restart.strftime('%Y-%m-%d') if s.earliest_restart else ''}")


SOURCES = [
    WorkSource("stoppages.check", "stoppages", "停复产", "待验收的复产申请", to_check, _check, "stoppages.manage",
               list_url="stoppages:list", due_label="申请日期", order=330),
    WorkSource("stoppages.rectify", "stoppages", "停复产", "停产整顿（整改后申请复产）", orders_open, _open,
               "stoppages.apply", list_url="stoppages:list", due_label="下达日期", order=331),
]
