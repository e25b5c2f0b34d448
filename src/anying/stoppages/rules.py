"""The stoppage a mine's accident brings (001「对发生一般事故的矿山，一律停产3个月；对发生较大事故
的矿山，一律停产6个月并依法实施关闭程序」), as data (data/accident_rules.csv, with the quote and
whether it was checked against the text): the earliest restart date and whether closure follows.
Rows for 重大/特别重大 apply the 较大 rule and are marked unverified — the seed names only the two."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "accident_rules.csv"


@dataclass(frozen=True)
class AccidentRule:
    industry_code: str
    grade: str
    months: int
    closure: bool
    quote: str
    verified: bool


@cache
def accident_rules() -> dict[tuple[str, str], AccidentRule]:
    with DATA.open(encoding="utf-8") as f:
        return {(r["industry_code"], r["accident_grade"]): AccidentRule(r["industry_code"], r["accident_grade"],
                                                                         int(r["stop_months"]), r["closure"] == "true",
                                                                         r["quote"], r["verified"] == "true")
                for r in csv.DictReader(f)}


def rule_for(industry, grade: str) -> AccidentRule | None:
    """The rule of the enterprise's industry or any industry above it (a mine of a sub-class)."""
    node = industry
    while node is not None:
        rule = accident_rules().get((node.code, grade))
        if rule is not None:
            return rule
        node = node.parent
    return None


def add_months(day: dt.date, months: int) -> dt.date:
    """3 months from 15 May is 15 August; from 31 May, 31 August; from 30 November, 28/29 February."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
