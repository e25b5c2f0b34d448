"""Periods of routine self-inspection (日周月排查): which day, week, month or quarter a date falls
in, and which period was the last one due. Pure date arithmetic, so the rules are tested
without a database and "behind" never needs placeholder rows."""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from pathlib import Path

DAY = dt.timedelta(days=1)
WEEKDAYS_ONLY = "12345"  # the standard 工作日: such a plan follows the national calendar
CALENDAR = Path(__file__).resolve().parent / "data" / "cn_holidays.csv"


def start(frequency: str, day: dt.date) -> dt.date:
    """The first day of the period containing `day`."""
    if frequency == "daily":
        return day
    if frequency == "weekly":
        return day - dt.timedelta(days=day.weekday())
    if frequency == "monthly":
        return day.replace(day=1)
    if frequency == "quarterly":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if frequency == "yearly":  # the 年度考核 and yearly rankings (oversight)
        return day.replace(month=1, day=1)
    raise ValueError(frequency)


def end(frequency: str, period_start: dt.date) -> dt.date:
    """The last day of the period starting on `period_start`."""
    if frequency == "daily":
        return period_start
    if frequency == "weekly":
        return period_start + dt.timedelta(days=6)
    months = {"monthly": 1, "quarterly": 3, "yearly": 12}[frequency]
    month = period_start.month - 1 + months
    return period_start.replace(year=period_start.year + month // 12, month=month % 12 + 1) - DAY


def previous(frequency: str, period_start: dt.date) -> dt.date:
    return start(frequency, period_start - DAY)


@cache
def national_calendar() -> dict[dt.date, tuple[bool, str]]:
    """The State Council's 放假调休 days (data/cn_holidays.csv, with its source): date →
    (a working day?, the holiday it belongs to)."""
    with open(CALENDAR, encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return {dt.date.fromisoformat(r["日期"]): (r["安排"] == "班", r["节日"]) for r in rows}


def _workday(day: dt.date, workdays: str) -> bool:
    """A plan of Monday to Friday keeps the national calendar: no check on a public holiday, a
    check on a 调休 Saturday or Sunday. Any other set of days (a works that runs every day, or
    Monday to Saturday) is the enterprise's own and is kept as it is."""
    if workdays == WEEKDAYS_ONLY and day in national_calendar():
        return national_calendar()[day][0]
    return str(day.isoweekday()) in workdays


def is_workday(day: dt.date, workdays: str) -> bool:
    """Whether a daily check is owed on `day` (see `_workday`)."""
    return _workday(day, workdays)


def holiday(day: dt.date, workdays: str) -> str:
    """The holiday that makes `day` a rest day (or a 调休 working day) of a Monday-to-Friday
    plan, for the page to say why; "" otherwise."""
    return national_calendar().get(day, (False, ""))[1] if workdays == WEEKDAYS_ONLY else ""


WEEKDAYS = "一二三四五六日"


def weekday(day: dt.date) -> str:
    return "周" + WEEKDAYS[day.weekday()]


def workdays_label(workdays: str) -> str:
    """"12345" → 周一至周五; "1234567" → 每天; "135" → 周一、周三、周五."""
    days = sorted({int(d) for d in workdays if d in "1234567"})
    if not days:
        return "未设置"
    if len(days) == 7:
        return "每天"
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"周{WEEKDAYS[days[0] - 1]}至周{WEEKDAYS[days[-1] - 1]}"
    return "、".join(f"周{WEEKDAYS[d - 1]}" for d in days)


def last_due(frequency: str, workdays: str, starts_on: dt.date, today: dt.date) -> dt.date | None:
    """Start of the latest period that has fully ended before `today` and that the schedule
    covers (on or after `starts_on`; for daily checks, a working day). None when nothing is due
    yet. The current period is never due: a team has until its end to check."""
    candidate = previous(frequency, start(frequency, today))
    if frequency == "daily":
        for _ in range(31):  # the longest holiday (春节, 9 days) is well within
            if _workday(candidate, workdays):
                break
            candidate -= DAY
        else:
            return None  # no working day configured
    first = start(frequency, starts_on)
    return candidate if candidate >= first else None


def due_between(frequency: str, workdays: str, starts_on: dt.date, since: dt.date, today: dt.date) -> list[dt.date]:
    """Starts of the periods that ended before `today` and on or after `since`, newest first:
    what should have been done in a look-back window."""
    periods = []
    current = last_due(frequency, workdays, starts_on, today)
    first = start(frequency, starts_on)
    while current is not None and current >= first and end(frequency, current) >= since:
        if frequency != "daily" or _workday(current, workdays):
            periods.append(current)
        current = previous(frequency, current)
    return periods


def label(frequency: str, period_start: dt.date) -> str:
    """How a period reads on screen: 11月23日, 第48周, 2026年11月, 2026年第4季度."""
    if frequency == "daily":
        return f"{period_start.month}月{period_start.day}日"
    if frequency == "weekly":
        year, week, _ = period_start.isocalendar()
        return f"{year}年第{week}周"
    if frequency == "monthly":
        return f"{period_start.year}年{period_start.month}月"
    if frequency == "yearly":
        return f"{period_start.year}年"
    return f"{period_start.year}年第{(period_start.month - 1) // 3 + 1}季度"
