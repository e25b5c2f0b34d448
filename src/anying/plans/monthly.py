"""The drills block of the enterprise's monthly report (core.hooks.MONTHLY_SOURCES): drills the
enterprise held in the month and how many took part."""

from __future__ import annotations

from django.db.models import Count, Sum

from anying.core.hooks import MonthlySource

from .models import Drill


def figures(enterprise, start, end) -> dict:
    held = Drill.objects.filter(enterprise=enterprise, status=Drill.Status.DONE, held_on__gte=start,
                                held_on__lte=end).aggregate(n=Count("pk"), people=Sum("people"))
    return {"drills": held["n"], "drill_people": held["people"] or 0}


SOURCE = MonthlySource("drills", "应急演练", 50, (("drills", "开展应急演练", "次"), ("drill_people", "参演人数", "人次")),
                       figures)
