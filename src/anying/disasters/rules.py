"""The reporting deadlines and checks of data/deadlines.csv and data/checks.csv, and the times
they give. Times of day are Beijing time (the reporting system's day runs to 24:00 local)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.utils import timezone

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Deadline:
    code: str
    stage: str
    kinds: frozenset[str]
    rule: str
    value: str
    label: str
    source: str
    verified: bool
    quote: str

    def applies(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


def _rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


@cache
def deadlines() -> tuple[Deadline, ...]:
    return tuple(Deadline(r["code"], r["stage"], frozenset(k for k in r["kinds"].split(",") if k), r["rule"],
                          r["value"], r["label"], r["source"], r["verified"] == "1", r["quote"])
                 for r in _rows("deadlines.csv"))


@cache
def checks() -> dict[str, Decimal]:
    return {r["key"]: Decimal(r["value"]) for r in _rows("checks.csv")}


def check_rows() -> list[dict]:
    return _rows("checks.csv")


def rule_for(stage: str, kind: str) -> Deadline:
    """The rule of a stage for a kind of disaster: a kind's own row wins over the general one."""
    found = [d for d in deadlines() if d.stage == stage and d.rule != "season" and d.applies(kind)]
    return sorted(found, key=lambda d: not d.kinds)[0]


def _next_morning(after: dt.datetime, hhmm: str) -> dt.datetime:
    """HH:MM (local) of the day after `after`: a daily report gives the figures to 24:00 of the
    day before, so a report sent on the 12th (even at 05:00) is followed by the one due at 09:00
    on the 13th, which covers the 12th."""
    hour, minute = (int(x) for x in hhmm.split(":"))
    day = timezone.localtime(after).date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def due(stage: str, kind: str, *, start: dt.datetime) -> tuple[dt.datetime, Deadline]:
    """When a report of `stage` is due, counted from `start`: the event's start (初报), the last
    report (续报) or the moment the event was declared stable (核报)."""
    rule = rule_for(stage, kind)
    if rule.rule == "after_start_minutes":
        return start + dt.timedelta(minutes=int(rule.value)), rule
    if rule.rule == "daily_at":
        return _next_morning(start, rule.value), rule
    if rule.rule in ("every_days", "after_stable_days"):
        return start + dt.timedelta(days=int(rule.value)), rule
    if rule.rule == "after_stable_workdays":
        return add_workdays(start, int(rule.value)), rule
    raise ValueError(f"unknown deadline rule {rule.rule}")


def add_workdays(start: dt.datetime, days: int) -> dt.datetime:
    """The same time of day `days` working days later, on the national calendar (调休 included)."""
    from anying.core.periods import WEEKDAYS_ONLY, is_workday

    local = timezone.localtime(start)
    day, left = local.date(), days
    while left:
        day += dt.timedelta(days=1)
        if is_workday(day, WEEKDAYS_ONLY):
            left -= 1
    return local.replace(year=day.year, month=day.month, day=day.day)


def zero_time() -> str:
    return rule_for("zero", "").value


def in_season(day: dt.date) -> bool:
    """Whether `day` is in the 零报告 season (MM-DD/MM-DD, inclusive; may run over the new year)."""
    season = next(d for d in deadlines() if d.rule == "season")
    first, last = season.value.split("/")
    key = day.strftime("%m-%d")
    return first <= key <= last if first <= last else (key >= first or key <= last)


def zero_due(day: dt.date) -> dt.datetime:
    hour, minute = (int(x) for x in zero_time().split(":"))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
