"""The minimums of a mine's key people (data/minimums.csv) and the chief engineer's
qualification rule (data/chief_engineer.csv), both from seed 001, with their sources."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from anying.core import periods

DATA = Path(__file__).resolve().parent / "data"
TITLE_ORDER = ["", "junior", "intermediate", "senior_associate", "senior"]


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


@dataclass(frozen=True)
class Minimum:
    what: str
    minimum: int
    unit: str
    source: str
    clause: str
    verified: bool


@cache
def minimums() -> dict[str, Minimum]:
    return {r["what"]: Minimum(r["what"], int(r["minimum"]), r["unit"], r["source"], r["clause"],
                               r["verified"] == "true") for r in _rows("minimums.csv")}


@cache
def chief_engineer_rule() -> dict[str, dict]:
    return {r["rule"]: r for r in _rows("chief_engineer.csv")}


def chief_engineer_gaps(person) -> list[str]:
    """What the registered chief engineer lacks against seed 001's 「五条标准」 (empty: meets the
    checkable ones)."""
    rule = chief_engineer_rule()
    gaps = []
    need = rule["min_title"]["value"]
    if TITLE_ORDER.index(person.title_level or "") < TITLE_ORDER.index(need):
        gaps.append("职称低于中级")
    years = int(rule["min_years"]["value"])
    if person.experience_years is None:
        gaps.append("未填写从业年限")
    elif person.experience_years < years:
        gaps.append(f"从业年限不足{years}年")
    fields = rule["fields"]["value"].split("|")
    if not person.field_of_study:
        gaps.append("未填写所学专业")
    elif not any(f in person.field_of_study for f in fields):
        gaps.append("所学专业不在采矿、地质、通风、矿山机电、安全等专业之列")
    return gaps


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    start = month.replace(day=1)
    return start, periods.end("monthly", start)


def is_working_day(day: dt.date) -> bool:
    """A working day of the national calendar (core.periods: weekends and 放假调休)."""
    return periods.is_workday(day, periods.WEEKDAYS_ONLY)


def working_days(start: dt.date, end: dt.date) -> int:
    return sum(is_working_day(start + dt.timedelta(days=n)) for n in range((end - start).days + 1))
