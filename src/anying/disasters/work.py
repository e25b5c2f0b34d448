"""What disaster reporting puts on the 待办 (core/workqueue.py): reports a town owes (初报, 续报,
核报, with their deadline), reports the district has to review, and today's 零报告 in the season."""

from __future__ import annotations

from django.db.models import DateField
from django.db.models.functions import Cast, TruncDate
from django.urls import reverse
from django.utils import timezone

from anying.core.workqueue import WorkItem, WorkSource

from .models import Due, Event, Report


def reports_owed(user, today):
    events = Event.objects.visible_to(user).values("pk")
    return (Due.objects.visible_to(user).filter(event__in=events, met_at__isnull=True, cancelled=False)
            .select_related("event", "town").annotate(work_due=Cast(TruncDate("due_at"), DateField()))
            .order_by("due_at", "id"))


def _owed(d: Due) -> WorkItem:
    return WorkItem(f"{d.town.name} · {d.event.name} {d.get_stage_display()}", reverse("disasters:event", args=[d.event_id]),
                    f"应于 {timezone.localtime(d.due_at):%m-%d %H:%M} 前报送")


def reports_to_review(user, today):
    events = Event.objects.visible_to(user).values("pk")
    return (Report.objects.visible_to(user).filter(event__in=events, status=Report.Status.SUBMITTED)
            .exclude(town_id=user.unit.region_id if user.unit_id else None)  # a town reviews not its own
            .select_related("event", "town").annotate(work_due=Cast(TruncDate("submitted_at"), DateField()))
            .order_by("submitted_at", "id"))


def _review(r: Report) -> WorkItem:
    return WorkItem(f"{r.town.name} · {r.event.name} {r.label}", reverse("disasters:report", args=[r.pk]),
                    f"{timezone.localtime(r.submitted_at):%m-%d %H:%M} 报送")


SOURCES = [
    WorkSource("disasters.owed", "disasters", "救灾救助", "应报的灾情报告", reports_owed, _owed, "disasters.report",
               list_url="disasters:list", due_label="应报时间", order=700),
    WorkSource("disasters.review", "disasters", "救灾救助", "待审核的灾情报告", reports_to_review, _review,
               "disasters.review", list_url="disasters:list", due_label="报送日期", order=701),
]
