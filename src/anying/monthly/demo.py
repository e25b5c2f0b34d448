"""Demo: last month's reports confirmed by some enterprises (one of them late), the rest owing —
so the town's page shows who reported, who is late, and the sums by industry."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anying.core.models import User
from anying.core.permissions import SYSTEM
from anying.registry.models import Enterprise

from . import rules, services
from .models import MonthlyReport


def load(rng) -> None:
    if MonthlyReport.objects.exists():
        return
    today = timezone.localdate()
    month = rules.previous_month(today)
    # the demo's enterprises stand for ones registered long ago: they owe last month's report
    Enterprise.objects.filter(is_demo=True, created_at__gt=timezone.now() - dt.timedelta(days=400)).update(
        created_at=timezone.now() - dt.timedelta(days=400))
    enterprises = list(services.required(Enterprise.objects.filter(is_demo=True), month).order_by("pk"))
    # about two in three have confirmed; the demo's 危化 login (weihua) is left to confirm its own
    weihua = User.objects.filter(username="weihua").values_list("unit_id", flat=True).first()
    for n, enterprise in enumerate(enterprises):
        if n % 3 == 2 or enterprise.organisation_id == weihua:
            continue
        day = min(today, rules.next_month(month) + dt.timedelta(days=n % 7))
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
        services.confirm(SYSTEM, enterprise, month, "" if n % 4 else "本月生产正常，隐患已按期整改。", now=at)
