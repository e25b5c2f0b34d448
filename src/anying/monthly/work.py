"""What the monthly report puts on the enterprise's 待办: last month's report to confirm, from
the 1st until it is confirmed (due on the 5th)."""

from __future__ import annotations

from django.db.models import DateField, Value
from django.urls import reverse

from anying.core.permissions import is_enterprise_user
from anying.core.workqueue import WorkItem, WorkSource
from anying.registry.models import Enterprise

from . import rules
from .models import MonthlyReport


def to_confirm(user, today):
    month = rules.previous_month(today)
    confirmed = MonthlyReport.objects.filter(month=month).values("enterprise_id")
    return (Enterprise.objects.visible_to(user).filter(organisation_id=user.unit_id).exclude(pk__in=confirmed)
            .exclude(status=Enterprise.Status.CLOSED)
            .annotate(work_due=Value(rules.due_on(month), output_field=DateField())).order_by("pk"))


def _confirm(e: Enterprise) -> WorkItem:
    month = rules.previous_month(e.work_due)
    return WorkItem(f"确认{month.year}年{month.month}月安全生产月报", reverse("monthly:mine"),
                    "由平台根据本企业记录自动汇总，核对后确认")


SOURCES = [WorkSource("monthly.confirm", "monthly", "企业月报", "待确认的月报", to_confirm, _confirm, "monthly.confirm",
                      list_url="monthly:mine", due_label="报送期限", order=250, applies=is_enterprise_user)]
