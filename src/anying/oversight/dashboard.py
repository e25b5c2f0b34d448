"""The 综合监管 dashboard (issue #6 point 5): each figure of a user's scope with the address of
the records behind it.

Hazard figures come from the rollups (hazards/rollups.py) — grouped sums over a few thousand
tally rows whatever the size of the hazard table; the other modules' figures are counts over
their own (much smaller) tables through the same scope rule. bench/run_dashboard.py measures
it at 1M and 10M hazards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse

from anying.core import periods
from anying.core.models import Industry
from anying.hazards.models import Hazard, HazardDueTally, HazardMonthTally, HazardTally, Supervision
from anying.inspections.models import InspectionMonthTally, Penalty
from anying.registry import risks, standardization
from anying.tips.escalation import overdue_q as tip_overdue_q
from anying.tips.models import Tip

from . import accidents, keytasks
from .regions import Rows

H = Hazard.Status
OPEN = [H.REGISTERED, H.RECTIFYING, H.SUBMITTED]
LEVELS = [(Hazard.Level.MAJOR, "重大"), (Hazard.Level.GENERAL, "一般")]


def hazard_url(**params) -> str:
    """The hazard list filtered to exactly the hazards a figure counts."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse("hazard_list") + (f"?{query}" if query else "")


def months_back(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the last `count` months, oldest first, this month last."""
    out = [periods.start("monthly", today)]
    while len(out) < count:
        out.append(periods.previous("monthly", out[-1]))
    return out[::-1]


def month_end(first: dt.date) -> dt.date:
    return periods.end("monthly", first)


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class HazardFigures:
    open: dict = field(default_factory=dict)  # level → n
    overdue: dict = field(default_factory=dict)
    closed: dict = field(default_factory=dict)
    total: int = 0
    channels: list = field(default_factory=list)  # [(code, label, n, url)]

    @property
    def open_total(self) -> int:
        return sum(self.open.values())

    @property
    def overdue_total(self) -> int:
        return sum(self.overdue.values())

    @property
    def closed_total(self) -> int:
        return sum(self.closed.values())

    @property
    def closure_rate(self) -> float | None:
        return rate(self.closed_total, self.total)


def hazards(user, today: dt.date) -> HazardFigures:
    figures = HazardFigures()
    tallies = HazardTally.objects.visible_to(user)
    for level, _ in LEVELS:
        figures.open[level] = figures.overdue[level] = figures.closed[level] = 0
    by_channel: dict = {}
    for row in tallies.values("status", "level", "channel").annotate(s=Sum("n")).order_by():
        n = row["s"] or 0
        figures.total += n
        target = figures.closed if row["status"] == H.CLOSED else figures.open
        target[row["level"]] = target.get(row["level"], 0) + n
        by_channel[row["channel"]] = by_channel.get(row["channel"], 0) + n
    for row in (HazardDueTally.objects.visible_to(user).filter(deadline__lt=today)
                .values("level").annotate(s=Sum("n")).order_by()):
        figures.overdue[row["level"]] = row["s"] or 0
    figures.channels = [(code, label, by_channel.get(code, 0), hazard_url(channel=code))
                        for code, label in Hazard.Channel.choices]
    return figures


def trend(user, today: dt.date, months: int = 12) -> dict:
    """Hazards found and closed per month (the last `months` months)."""
    firsts = months_back(today, months)
    found = dict.fromkeys(firsts, 0)
    closed = dict.fromkeys(firsts, 0)
    rows = (HazardMonthTally.objects.visible_to(user).filter(month__gte=firsts[0])
            .values("month", "kind").annotate(s=Sum("n")).order_by())
    for row in rows:
        target = found if row["kind"] == "found" else closed
        if row["month"] in target:
            target[row["month"]] += row["s"] or 0
    return {
        "labels": [f"{m:%Y-%m}" for m in firsts],
        "found": [found[m] for m in firsts],
        "closed": [closed[m] for m in firsts],
        "found_urls": [hazard_url(date_from=m.isoformat(), date_to=month_end(m).isoformat()) for m in firsts],
        "closed_urls": [hazard_url(status="closed", closed_from=m.isoformat(), closed_to=month_end(m).isoformat())
                        for m in firsts],
    }


def region_industry_table(user, today: dt.date) -> dict:
    """一张表: open hazards by region (rows, oversight/regions.py) × industry (columns), with
    each row's major, overdue and closed counts and closure rate; every cell links to its
    hazards (the 本级 row has no link: the list's region filter takes the whole subtree)."""
    rows = Rows(user)
    cells: dict = {}
    per_row: dict = {r.pk: {"open": 0, "major": 0, "closed": 0, "total": 0, "overdue": 0} for r in rows.all}
    tallies = list(HazardTally.objects.visible_to(user).values("region_id", "industry_id", "level", "status")
                   .annotate(s=Sum("n")).order_by())
    late = list(HazardDueTally.objects.visible_to(user).filter(deadline__lt=today)
                .values("region_id").annotate(s=Sum("n")).order_by())
    paths = rows.paths({r["region_id"] for r in tallies} | {r["region_id"] for r in late})
    industries: set = set()
    for row in tallies:
        region = rows.row_for(paths.get(row["region_id"], ""))
        if region is None or not row["s"]:
            continue
        figures = per_row[region.pk]
        figures["total"] += row["s"]
        if row["status"] == H.CLOSED:
            figures["closed"] += row["s"]
            continue
        figures["open"] += row["s"]
        if row["level"] == Hazard.Level.MAJOR:
            figures["major"] += row["s"]
        industries.add(row["industry_id"])
        cells[(region.pk, row["industry_id"])] = cells.get((region.pk, row["industry_id"]), 0) + row["s"]
    for region_id, n in rows.fold({r["region_id"]: r["s"] for r in late}, paths).items():
        per_row[region_id]["overdue"] = n
    columns = list(Industry.objects.filter(pk__in=industries).order_by("path"))
    table = []
    for region in rows.all:
        figures = per_row[region.pk]
        if rows.is_direct(region) and not figures["total"]:
            continue
        link = partial(_row_url, rows, region)
        table.append({
            "region": region, "label": rows.label(region), "url": link(status="open"),
            "cells": [(cells.get((region.pk, i.pk), 0), link(industry=i.pk, status="open")) for i in columns],
            "major_url": link(level="major", status="open"), "overdue_url": link(overdue=1),
            "closed_url": link(status="closed"), "closure_rate": rate(figures["closed"], figures["total"]), **figures})
    totals = [sum(r["cells"][i][0] for r in table) for i in range(len(columns))]
    return {"columns": [(i, hazard_url(industry=i.pk, status="open")) for i in columns], "rows": table,
            "totals": totals}


def _row_url(rows: Rows, region, **params) -> str | None:
    """A table row's list; none for the 本级 row (the list's region filter takes the subtree)."""
    return None if rows.is_direct(region) else hazard_url(region=region.pk, **params)


def supervised(user) -> dict:
    """Open major hazards and how many of them are under 督办."""
    majors = Hazard.objects.visible_to(user).filter(level=Hazard.Level.MAJOR, status__in=OPEN)
    under = Supervision.objects.filter(hazard__in=majors).values("hazard_id").distinct().count()
    return {"under_supervision": under, "url": reverse("hazard_issue_list")}


def inspections(user, today: dt.date) -> dict:
    """This year's inspections and findings (from the monthly tallies) and fines."""
    start = dt.date(today.year, 1, 1)
    figures = InspectionMonthTally.objects.visible_to(user).filter(month__gte=start, month__lte=today) \
        .aggregate(n=Sum("n"), found=Sum("findings"))
    fines = Penalty.objects.visible_to(user).filter(decided_on__gte=start, decided_on__lte=today) \
        .aggregate(n=Count("id"), amount=Sum("amount"))
    n, found = figures["n"] or 0, figures["found"] or 0
    return {"count": n, "findings": found, "per_inspection": round(found / n, 2) if n else None,
            "penalties": fines["n"] or 0, "fines": fines["amount"] or 0,
            "url": reverse("inspection_list") + f"?date_from={start:%Y-%m-%d}&date_to={today:%Y-%m-%d}",
            "intensity_url": reverse("intensity_report") + f"?month={today:%Y-%m}",
            "penalty_url": reverse("penalty_list")}


def tips(user, today: dt.date) -> dict:
    start = dt.date(today.year, 1, 1)
    figures = Tip.objects.visible_to(user).aggregate(
        year=Count("id", filter=Q(received_at__date__gte=start)),
        replied=Count("id", filter=Q(received_at__date__gte=start, replied_at__isnull=False)),
        open=Count("id", filter=~Q(status=Tip.Status.CLOSED)),
        overdue=Count("id", filter=tip_overdue_q(today)))
    return {**figures, "reply_rate": rate(figures["replied"], figures["year"]),
            "url": reverse("tip_stats"), "open_url": reverse("tip_list") + "?status=open",
            "overdue_url": reverse("tip_list") + "?overdue=1"}


def build(user, today: dt.date) -> dict:
    """Everything the dashboard page shows, for `user`'s scope."""
    return {
        "today": today,
        "hazards": hazards(user, today),
        "trend": trend(user, today),
        "table": region_industry_table(user, today),
        "supervised": supervised(user),
        "inspections": inspections(user, today),
        "tips": tips(user, today),
        "standardization": standardization.summary(user, today.year),
        "risks": risks.summary(user),
        "key_tasks": keytasks.summary(user, today.year),
        "accidents": accidents.summary(user, dt.date(today.year, 1, 1), today),
    }
