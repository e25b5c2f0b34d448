"""What monitoring puts on the 待办 (core/workqueue.py): the enterprise's 包保责任人 whose 履职 is
short this period, or was short in the last one (overdue). Only the enterprise's own users: the
town sees the district list (/monitoring/guarantors/) and the tick's messages."""

from __future__ import annotations

from django.db.models import Case, DateField, Value, When
from django.urls import reverse

from anying.core.permissions import is_enterprise_user
from anying.core.workqueue import WorkItem, WorkSource

from . import baobao
from .models_baobao import Guarantor


def duty_due(user, today):
    scoped = Guarantor.objects.visible_to(user)
    due = baobao.due_ids(scoped, today)
    if not due:
        return Guarantor.objects.none().annotate(work_due=Value(None, output_field=DateField()))
    return scoped.filter(pk__in=due).select_related("installation__enterprise").annotate(
        work_due=Case(*(When(pk=pk, then=Value(when)) for pk, when in due.items()), output_field=DateField())
    ).order_by("work_due", "id")


def _row(g: Guarantor) -> WorkItem:
    freq = baobao.frequencies()[g.kind]
    return WorkItem(f"{g.installation.enterprise.name} · {g.installation.name} · {g.get_kind_display()}{g.name}",
                    reverse("duty_record_new", args=[g.pk]),
                    f"应{freq.label}" + ("" if freq.verified else f"（{baobao.UNVERIFIED}）"))


SOURCES = [
    WorkSource("monitoring.baobao", "monitoring", "监测预警", "包保责任人本期应履职", duty_due, _row, "monitoring.duty",
               list_url="guarantor_list", due_label="本期截止", order=600, applies=is_enterprise_user),
]
