"""What inspections put on a user's 待办 (core/workqueue.py): the enterprises of the unit's
approved annual plan due this month (or earlier) and not yet inspected this year, and penalty
cases waiting for a decision."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db.models import Case, DateField, Exists, F, OuterRef, Value, When
from django.urls import reverse

from anying.core import amounts
from anying.core.workqueue import WorkItem, WorkSource

from .models import Inspection, InspectionPlan, Penalty, PlanItem


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def planned(user, today):
    """The user's own unit's plan items up to this month with no inspection by that unit this
    year (how plans.progress counts an item done); due at the end of the item's month."""
    done = Inspection.objects.filter(unit_id=OuterRef("plan__unit_id"), enterprise_id=OuterRef("enterprise_id"),
                                     inspected_on__year=today.year)
    ends = [When(month=m, then=Value(month_end(today.year, m))) for m in range(1, today.month + 1)]
    return PlanItem.objects.visible_to(user).filter(
        plan__unit_id=user.unit_id, plan__status=InspectionPlan.Status.APPROVED, plan__year=today.year,
        month__lte=today.month).exclude(Exists(done)).select_related("enterprise", "region") \
        .annotate(work_due=Case(*ends, output_field=DateField())).order_by("month", "region", "enterprise")


def to_decide(user, today):
    """The unit's penalty cases filed or notified: a decision is due by `decide_by`."""
    return Penalty.objects.visible_to(user).filter(
        unit_id=user.unit_id, status__in=[Penalty.Status.FILED, Penalty.Status.NOTIFIED]) \
        .annotate(work_due=F("decide_by")).order_by("decide_by", "id")


def _plan_row(item: PlanItem) -> WorkItem:
    return WorkItem(f"{item.region.name} · {item.enterprise.name}", reverse("inspection_create", args=[item.enterprise_id]),
                    f"计划 {item.month} 月检查")


def _penalty_row(p: Penalty) -> WorkItem:
    return WorkItem(f"{p.party_name} · 罚款 {amounts.yuan(p.amount)}", reverse("penalty_detail", args=[p.pk]),
                    p.get_status_display())


SOURCES = [
    WorkSource("inspections.planned", "inspections", "执法", "计划检查未完成的企业（本月及以前）", planned, _plan_row,
               "inspections.inspect", list_url="plan_list", due_label="计划月末", order=300),
    WorkSource("inspections.decide", "inspections", "执法", "待作出决定的行政处罚", to_decide, _penalty_row,
               "inspections.inspect", list_url="penalty_list", due_label="决定期限", order=310),
]
