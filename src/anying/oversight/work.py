"""What oversight puts on a user's 待办 (core/workqueue.py): the key tasks (挂图作战) of the
user's own unit due within DUE_WITHIN_DAYS or overdue, and accidents whose 回头看 is due."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef
from django.urls import reverse

from anying.core.workqueue import WorkItem, WorkSource

from .models import Accident, KeyTask, LookBack

DUE_WITHIN_DAYS = 30  # a month ahead: time to report progress before the deadline


def key_tasks(user, today):
    return KeyTask.objects.visible_to(user).filter(unit_id=user.unit_id, due__lte=today + dt.timedelta(days=DUE_WITHIN_DAYS)) \
        .exclude(status=KeyTask.Status.DONE).annotate(work_due=F("due")).order_by("due", "id")


def lookbacks(user, today):
    """Closed accidents of the user's unit a year on (lookback_due) with no 回头看 recorded yet."""
    done = LookBack.objects.filter(accident_id=OuterRef("pk"))
    return Accident.objects.visible_to(user).filter(lookback_due__lte=today, unit_id=user.unit_id) \
        .exclude(Exists(done)).annotate(work_due=F("lookback_due")).order_by("lookback_due", "id")


def _task_row(t: KeyTask) -> WorkItem:
    return WorkItem(f"{t.number}. {t.task}", reverse("keytask_detail", args=[t.pk]),
                    f"{t.get_status_display()} · 进度 {t.percent}%")


def _accident_row(a: Accident) -> WorkItem:
    return WorkItem(str(a), reverse("accident_detail", args=[a.pk]), "事故整改措施落实情况回头看")


SOURCES = [
    WorkSource("keytasks.due", "oversight", "重点任务", f"本单位重点任务（{DUE_WITHIN_DAYS} 天内到期及逾期）", key_tasks,
               _task_row, "keytasks.report", list_url="keytask_list", due_label="完成时限", order=600),
    WorkSource("accidents.lookback", "oversight", "重点任务", "到期的事故回头看", lookbacks, _accident_row,
               "accidents.record", list_url="accident_list", due_label="回头看日期", order=610),
]
