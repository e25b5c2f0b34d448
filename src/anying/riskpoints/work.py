"""What the risk points put on the 待办 (core/workqueue.py): evacuations still moving people in
the user's territory, and the rain checks (雨前/雨中/雨后) not yet done."""

from __future__ import annotations

from django.db.models import DateField
from django.db.models.functions import Cast, TruncDate
from django.urls import reverse
from django.utils import timezone

from anying.core.workqueue import WorkItem, WorkSource

from .models import Evacuation
from .models_patrols import RainCheck


def evacuations_due(user, today):
    return (Evacuation.objects.visible_to(user).filter(status__in=[Evacuation.Status.PENDING, Evacuation.Status.MOVING])
            .select_related("point", "town").annotate(work_due=Cast(TruncDate("started_at"), DateField()))
            .order_by("started_at", "id"))


def _evacuation(e: Evacuation) -> WorkItem:
    return WorkItem(f"{e.town.name} · {e.point.name} 转移", reverse("evacuation_confirm", args=[e.pk]),
                    f"已到位 {e.households_moved}/{e.households_total} 户")


def rain_checks_due(user, today):
    return (RainCheck.objects.visible_to(user).filter(done_at__isnull=True).select_related("point")
            .annotate(work_due=Cast(TruncDate("due_at"), DateField())).order_by("due_at", "id"))


def _rain(c: RainCheck) -> WorkItem:
    return WorkItem(f"{c.point.name} · {c.get_phase_display()}", reverse("rain_check", args=[c.pk]),
                    f"期限 {timezone.localtime(c.due_at):%m-%d %H:%M}")


SOURCES = [
    WorkSource("riskpoints.evacuations", "riskpoints", "预警与防灾", "正在进行的转移避险", evacuations_due, _evacuation,
               "riskpoints.evacuate", list_url="evacuation_list", due_label="启动日期", order=620),
    WorkSource("riskpoints.rain_checks", "riskpoints", "预警与防灾", "雨前排查、雨中巡查、雨后核查", rain_checks_due, _rain,
               "riskpoints.patrol", list_url="patrol_board", due_label="期限", order=621),
]
