"""Hazard rollups: counts kept current as hazards change, so the dashboard's figures cost the
same at a million hazards as at ten million (issue #6, bench/run_dashboard.py).

Every write of a hazard goes through hazards.services/deadlines, which call `track(hazard)`
before the change and `settle(...)` after it inside the same transaction: the difference of the
hazard's tally keys before and after is applied as increments (core.tallies: upserts in key
order, PostgreSQL and SQLite alike).
Bulk loaders (the demo, the bench generators) call `rebuild()` instead; `check()` recounts
everything from the hazard table and reports the differences (`anying rollups --check`)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from anying.core import tallies
from anying.core.bulk import insert_rows

from .models import Hazard, HazardDueTally, HazardMonthTally, HazardTally

TALLIES = (HazardTally, HazardDueTally, HazardMonthTally)
PLACE = ("region_id", "industry_id", "level")
KEYS = {"HazardTally": (*PLACE, "channel", "status"), "HazardDueTally": (*PLACE, "deadline"),
        "HazardMonthTally": (*PLACE, "month", "kind")}
# A hazard awaiting review (待复查) is with the regulator, not late: overdue counts only these,
# as the hazard list's 逾期 filter does (hazards.queries.overdue).
LATE_STATES = [Hazard.Status.REGISTERED, Hazard.Status.RECTIFYING]


def _month(day: date) -> date:
    return day.replace(day=1)


def keys(h: Hazard) -> list[tuple]:
    """The tally rows one hazard counts in."""
    place = (h.region_id, h.industry_id, h.level)
    rows = [(HazardTally, (*place, h.channel, h.status)),
            (HazardMonthTally, (*place, _month(h.found_on), "found"))]
    if h.status in LATE_STATES and h.deadline:
        rows.append((HazardDueTally, (*place, h.deadline)))
    if h.status == Hazard.Status.CLOSED and h.closed_on:
        rows.append((HazardMonthTally, (*place, _month(h.closed_on), "closed")))
    return rows


def track(hazard: Hazard | None) -> list[tuple]:
    """What a hazard counts in before a change (None: a new hazard)."""
    return keys(hazard) if hazard is not None else []


def settle(before: list[tuple], hazard: Hazard) -> None:
    delta: Counter = Counter()
    for key in before:
        delta[key] -= 1
    for key in keys(hazard):
        delta[key] += 1
    apply(delta)


def apply(delta: Counter) -> None:
    for model in TALLIES:  # a fixed order of tables, and key order within each (core.tallies)
        rows = [(*key, n) for (m, key), n in delta.items() if m is model and n]
        tallies.increment(model, KEYS[model.__name__], ("n",), rows)


def recount(hazards=None) -> dict:
    """Every tally as counted from the hazard table now: {tally name: {key: n}}. `hazards` is
    the Hazard model (a migration passes its historical one)."""
    hazards = hazards or Hazard
    closed = Hazard.Status.CLOSED
    place = PLACE
    counted = {
        "HazardTally": hazards.objects.values(*place, "channel", "status"),
        "HazardDueTally": hazards.objects.filter(status__in=LATE_STATES, deadline__isnull=False)
        .values(*place, "deadline"),
    }
    for name, qs in counted.items():
        counted[name] = {tuple(row[c] for c in KEYS[name]): row["n"] for row in qs.annotate(n=Count("id")).order_by()}
    months: dict = {}
    for kind, field, q in (("found", "found_on", Q()), ("closed", "closed_on", Q(status=closed, closed_on__isnull=False))):
        rows = hazards.objects.filter(q).annotate(m=TruncMonth(field)).values(*place, "m") \
            .annotate(n=Count("id")).order_by()
        for row in rows:
            months[(row["region_id"], row["industry_id"], row["level"], _as_date(row["m"]), kind)] = row["n"]
    counted["HazardMonthTally"] = months
    return counted


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def stored() -> dict:
    return {model.__name__: {tuple(row[c] for c in KEYS[model.__name__]): row["n"]
                             for row in model.objects.filter(n__gt=0).values(*KEYS[model.__name__], "n")}
            for model in TALLIES}


def check() -> list[str]:
    """Differences between the tallies and a full recount; empty when they agree."""
    problems = []
    want, have = recount(), stored()
    for name in KEYS:
        for key in sorted(set(want[name]) | set(have[name]), key=str):
            if want[name].get(key, 0) != have[name].get(key, 0):
                problems.append(f"{name}{key}: 实际 {want[name].get(key, 0)}，汇总 {have[name].get(key, 0)}")
    return problems


@transaction.atomic
def rebuild(apps=None) -> int:
    """Recount everything (after bulk loads, and once by the migration that added the tallies).
    Run it while hazards are quiet: changes made during the recount would be lost."""
    get = (lambda name: apps.get_model("hazards", name)) if apps else (lambda name: globals()[name])
    counted = recount(get("Hazard"))
    for name, rows in counted.items():
        model = get(name)
        model.objects.all().delete()
        fields = [column.removesuffix("_id") for column in KEYS[name]] + ["n"]
        insert_rows(model, fields, [(*key, n) for key, n in rows.items()])
    return sum(len(v) for v in counted.values())

