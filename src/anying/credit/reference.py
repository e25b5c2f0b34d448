"""应急管理部令第11号 and the publication rules as data (data/*.csv, each row with its source
and a `verified` flag; see docs/credit.md for what could not be checked)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from anying.core import periods

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Ground:
    key: str
    label: str
    subject: str  # accident / violation
    article: str
    verified: bool
    source: str


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


@cache
def grounds() -> dict[str, Ground]:
    return {r["key"]: Ground(r["key"], r["label"], r["subject"], r["article"], r["verified"] == "1", r["source"])
            for r in _rows("grounds.csv")}


@cache
def rules() -> dict[str, dict]:
    return {r["field"]: r for r in _rows("rules.csv")}


def rule(field: str) -> int:
    return int(rules()[field]["value"])


@cache
def removal_conditions() -> dict[str, dict]:
    return {r["key"]: r for r in _rows("removal_conditions.csv")}


@cache
def penalty_layout() -> list[dict]:
    return _rows("penalty_layout.csv")


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def add_workdays(day: dt.date, count: int) -> dt.date:
    """`count` working days after `day` on the national calendar (weekends, 法定节假日 and
    调休 from core/data/cn_holidays.csv)."""
    current = day
    while count > 0:
        current += dt.timedelta(days=1)
        if periods.is_workday(current, periods.WEEKDAYS_ONLY):
            count -= 1
    return current


def publish_due(decided_on: dt.date) -> dt.date:
    return add_workdays(decided_on, rule("penalty_publish_workdays"))
