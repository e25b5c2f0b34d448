"""When the monthly report is due (data/deadline.csv, with the seed's words): by the 5th of the
next month (001「各企业每月5日前报送…」). "5日前" is read as "by the end of the 5th": a report
confirmed on the 5th is on time, on the 6th it is late and the clock flags it to the town."""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "deadline.csv"


@cache
def deadline_day() -> int:
    with DATA.open(encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["rule"] == "confirm_by")
    return int(row["day_of_next_month"])


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return next_month(month) - dt.timedelta(days=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def due_on(month: dt.date) -> dt.date:
    return next_month(month).replace(day=deadline_day())


def parse_month(text: str | None) -> dt.date | None:
    """"2026-11" → 2026-11-01; anything else → None."""
    text = str(text or "")
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isascii() or not (text[:4] + text[5:]).isdigit():
        return None
    year, month = int(text[:4]), int(text[5:])
    return dt.date(year, month, 1) if 2000 <= year <= 2100 and 1 <= month <= 12 else None
