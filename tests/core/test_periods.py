"""Periods of 日周月排查: pure date rules, at month, quarter, year and leap-year edges."""

import datetime as dt

import pytest

from anying.core import periods

D = dt.date


@pytest.mark.parametrize("frequency, day, first, last", [
    ("daily", D(2026, 11, 24), D(2026, 11, 24), D(2026, 11, 24)),
    ("weekly", D(2026, 11, 29), D(2026, 11, 23), D(2026, 11, 29)),  # Sunday belongs to Monday's week
    ("weekly", D(2027, 1, 1), D(2026, 12, 28), D(2027, 1, 3)),
    ("monthly", D(2028, 2, 29), D(2028, 2, 1), D(2028, 2, 29)),
    ("monthly", D(2026, 12, 31), D(2026, 12, 1), D(2026, 12, 31)),
    ("quarterly", D(2026, 11, 24), D(2026, 10, 1), D(2026, 12, 31)),
    ("quarterly", D(2026, 3, 31), D(2026, 1, 1), D(2026, 3, 31)),
])
def test_start_and_end(frequency, day, first, last):
    assert periods.start(frequency, day) == first
    assert periods.end(frequency, first) == last


def test_the_current_period_is_never_due():
    # Wednesday: the week that began Monday is still open, last week is due
    assert periods.last_due("weekly", "12345", D(2026, 1, 1), D(2026, 11, 25)) == D(2026, 11, 16)
    assert periods.last_due("monthly", "12345", D(2026, 1, 1), D(2026, 11, 1)) == D(2026, 10, 1)
    assert periods.last_due("quarterly", "12345", D(2026, 1, 1), D(2026, 11, 24)) == D(2026, 7, 1)


def test_daily_skips_days_off():
    monday, sunday = D(2026, 11, 23), D(2026, 11, 22)
    assert periods.last_due("daily", "12345", D(2026, 1, 1), monday) == D(2026, 11, 20)  # Friday
    assert periods.last_due("daily", "123456", D(2026, 1, 1), monday) == D(2026, 11, 21)  # Saturday
    assert periods.last_due("daily", "1234567", D(2026, 1, 1), sunday) == D(2026, 11, 21)
    assert periods.last_due("daily", "", D(2026, 1, 1), monday) is None


def test_nothing_is_due_before_the_schedule_starts():
    assert periods.last_due("daily", "12345", D(2026, 11, 24), D(2026, 11, 24)) is None
    assert periods.last_due("monthly", "12345", D(2026, 11, 5), D(2026, 11, 30)) is None
    # a schedule starting mid-month owes that month
    assert periods.last_due("monthly", "12345", D(2026, 10, 25), D(2026, 11, 2)) == D(2026, 10, 1)


def test_due_in_a_window():
    today = D(2026, 11, 24)  # Tuesday
    daily = periods.due_between("daily", "12345", D(2026, 1, 1), today - dt.timedelta(days=14), today)
    assert len(daily) == 10 and daily[0] == D(2026, 11, 23) and all(d.isoweekday() <= 5 for d in daily)
    weekly = periods.due_between("weekly", "12345", D(2026, 1, 1), D(2026, 11, 1), today)
    assert weekly == [D(2026, 11, 16), D(2026, 11, 9), D(2026, 11, 2), D(2026, 10, 26)]  # the last overlaps
    assert periods.due_between("weekly", "12345", D(2026, 11, 10), D(2026, 11, 1), today) == [
        D(2026, 11, 16), D(2026, 11, 9)]


def test_labels():
    assert periods.label("daily", D(2026, 11, 24)) == "11月24日"
    assert periods.label("weekly", D(2026, 11, 23)) == "2026年第48周"
    assert periods.label("monthly", D(2026, 11, 1)) == "2026年11月"
    assert periods.label("quarterly", D(2026, 10, 1)) == "2026年第4季度"


# --- the national calendar (国务院办公厅关于2026年部分节假日安排的通知) ----------------------------

D = dt.date


@pytest.mark.parametrize("day, workdays, owed", [
    (D(2026, 9, 30), "12345", True),    # Wednesday before 国庆
    (D(2026, 10, 1), "12345", False),   # 国庆节, a Thursday
    (D(2026, 10, 7), "12345", False),   # its last day, a Wednesday
    (D(2026, 10, 8), "12345", True),    # the day after
    (D(2026, 10, 10), "12345", True),   # 调休: a Saturday worked
    (D(2026, 10, 11), "12345", False),  # the Sunday after it
    (D(2026, 9, 20), "12345", True),    # 调休: a Sunday worked
    (D(2026, 10, 1), "1234567", True),  # a works that runs every day keeps its own days
    (D(2026, 10, 10), "1234", False),   # and so does any plan other than Monday to Friday
    (D(2026, 2, 14), "12345", True),    # 春节 调休 Saturday
    (D(2026, 2, 15), "12345", False),   # 春节, first day
    (D(2026, 2, 23), "12345", False),   # 春节, last day (a Monday)
    (D(2026, 2, 24), "12345", True),
])
def test_a_monday_to_friday_plan_keeps_the_national_holidays(day, workdays, owed):
    assert periods.is_workday(day, workdays) is owed


def test_the_last_daily_check_due_after_the_spring_festival_is_the_saturday_worked_before_it():
    assert periods.last_due("daily", "12345", D(2026, 1, 5), D(2026, 2, 24)) == D(2026, 2, 14)
    assert periods.holiday(D(2026, 2, 20), "12345") == "春节" and periods.holiday(D(2026, 2, 20), "1234567") == ""
