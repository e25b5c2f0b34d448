"""Tip statistics by category, unit and month (issue #5): how many, how many substantiated of
those concluded, how fast replied, how many overdue, and what rewards were paid. One grouped
query per table, over the tips the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .escalation import overdue_q
from .models import Reward, Tip

FEN = Decimal("0.01")  # SQLite sums decimals without their scale
GROUPS = {"category": "举报类别", "unit": "承办单位", "month": "受理月份"}


@dataclass
class Row:
    key: object
    label: str
    total: int
    concluded: int
    substantiated: int
    replied: int
    avg_reply_days: float | None
    overdue: int
    rewards_paid: int
    reward_amount: Decimal

    @property
    def rate(self) -> float | None:
        return round(100 * self.substantiated / self.concluded, 1) if self.concluded else None


def rows(queryset, group: str, *, start: dt.date | None = None, end: dt.date | None = None) -> list[Row]:
    if group not in GROUPS:
        raise ValueError(group)
    today = timezone.localdate()
    qs = queryset
    if start:
        qs = qs.filter(received_at__date__gte=start)
    if end:
        qs = qs.filter(received_at__date__lte=end)
    key = {"category": "category", "unit": "unit", "month": "month"}[group]
    if group == "month":
        qs = qs.annotate(month=TruncMonth("received_at"))
    paid = Q(reward__status=Reward.Status.PAID)
    data = (qs.values(key).annotate(
        total=Count("id"), concluded=Count("id", filter=Q(substantiated__isnull=False)),
        substantiated=Count("id", filter=Q(substantiated=True)), replied=Count("id", filter=Q(replied_at__isnull=False)),
        avg_reply_days=Avg("days_to_reply"), overdue=Count("id", filter=overdue_q(today)),
        rewards_paid=Count("id", filter=paid), reward_amount=Sum("reward__amount", filter=paid)).order_by(key))
    labels = _labels(group, [d[key] for d in data])
    return [Row(key=d[key], label=labels.get(d[key], "未交办" if d[key] is None else str(d[key])), total=d["total"],
                concluded=d["concluded"], substantiated=d["substantiated"], replied=d["replied"],
                avg_reply_days=round(d["avg_reply_days"], 1) if d["avg_reply_days"] is not None else None,
                overdue=d["overdue"], rewards_paid=d["rewards_paid"],
                reward_amount=(d["reward_amount"] or Decimal("0")).quantize(FEN)) for d in data]


def _labels(group: str, keys: list) -> dict:
    if group == "category":
        return {k: Tip.Category(k).label for k in keys if k}
    if group == "unit":
        from anying.core.models import Organisation

        return dict(Organisation.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "name"))
    return {k: f"{k:%Y-%m}" for k in keys if k}


def total(row_list: list[Row]) -> Row:
    concluded = sum(r.concluded for r in row_list)
    replied = [r for r in row_list if r.avg_reply_days is not None]
    weight = sum(r.replied for r in replied)
    return Row(key=None, label="合计", total=sum(r.total for r in row_list), concluded=concluded,
               substantiated=sum(r.substantiated for r in row_list), replied=sum(r.replied for r in row_list),
               avg_reply_days=round(sum(r.avg_reply_days * r.replied for r in replied) / weight, 1) if weight else None,
               overdue=sum(r.overdue for r in row_list), rewards_paid=sum(r.rewards_paid for r in row_list),
               reward_amount=sum((r.reward_amount for r in row_list), Decimal("0.00")))


HEADERS = ["举报件数", "已有结论", "属实", "属实率（%）", "已答复", "平均答复用时（日）", "逾期", "已发放奖励（件）", "奖励金额（元）"]


def as_table(row_list: list[Row]) -> list[list]:
    return [[r.label, r.total, r.concluded, r.substantiated, r.rate if r.rate is not None else "—", r.replied,
             r.avg_reply_days if r.avg_reply_days is not None else "—", r.overdue, r.rewards_paid, r.reward_amount]
            for r in row_list]
