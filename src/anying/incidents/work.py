"""The incident desk's 待办 (core/workqueue.py): reports my unit owes, soonest first (overdue ones
on top), and reports from the desks below waiting for my unit to sign for them."""

from __future__ import annotations

from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from anying.core.workqueue import WorkItem, WorkSource

from .models import Due, Incident, Report


def _dues(user, today):
    if not user.unit_id:
        return Due.objects.none()
    return (Due.objects.filter(desk__unit_id=user.unit_id, met_at__isnull=True, cancelled=False,
                               incident__status__in=[Incident.Status.OPEN, Incident.Status.CLOSED])
            .select_related("incident", "rule").annotate(work_due=TruncDate("due_at")).order_by("due_at", "id"))


def _to_receive(user, today):
    if not user.unit_id:
        return Report.objects.none()
    return (Report.objects.filter(to_unit_id=user.unit_id, received_at__isnull=True)
            .select_related("incident", "desk__unit").annotate(work_due=TruncDate("submitted_at"))
            .order_by("submitted_at", "id"))


def _due_item(d: Due) -> WorkItem:
    state = "已逾期" if d.due_at < timezone.now() else "待报"
    return WorkItem(f"{d.incident.title}：{d.get_stage_display()}{'（' + d.get_medium_display() + '）' if d.medium else ''}",
                    reverse("incident_detail", args=[d.incident_id]),
                    f"{state}，应于 {timezone.localtime(d.due_at):%m-%d %H:%M} 前 · {d.rule.label}")


SOURCES = [
    WorkSource("incidents.due", "incidents", "接报", "待报送的事件信息", _dues, _due_item,
               "incidents.take", list_url="incident_list", due_label="应报时间", order=600),
    WorkSource("incidents.receive", "incidents", "接报", "待签收的下级报告", _to_receive,
               lambda r: WorkItem(f"{r.desk.unit.name}{r.label}：{r.incident.title}",
                                  reverse("incident_detail", args=[r.incident_id]),
                                  f"{timezone.localtime(r.submitted_at):%m-%d %H:%M} 报送"),
               "incidents.take", list_url="incident_list", due_label="报送时间", order=610),
]
