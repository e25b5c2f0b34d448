"""The hazard register's block of the enterprise's monthly report (core.hooks.MONTHLY_SOURCES;
001「各企业每月5日前报送本企业开展安全隐患排查、采取的安全措施，明确整改责任人员、投入整改资金和
复查验收情况」): routine self-inspections planned and done, hazards found, closed (复查验收销号) and
open at the month's end by level, the funds spent on those closed; and, as the report's detail,
each hazard of the month with its measures, responsible person and funds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, Sum

from anying.core import periods
from anying.core.hooks import MonthlySource

from .models import Hazard, SelfInspectionRound, SelfInspectionSchedule

DAY = dt.timedelta(days=1)
G, M = Hazard.Level.GENERAL, Hazard.Level.MAJOR
FIGURES = (
    ("checks_planned", "应开展日周月排查", "次"),
    ("checks_done", "已开展日周月排查", "次"),
    ("found_general", "新发现一般隐患", "项"),
    ("found_major", "新发现重大隐患", "项"),
    ("closed_general", "整改验收销号一般隐患", "项"),
    ("closed_major", "整改验收销号重大隐患", "项"),
    ("open_general", "月末未销号一般隐患", "项"),
    ("open_major", "月末未销号重大隐患", "项"),
    ("funds", "投入整改资金", "元"),
)


def planned(enterprise, start: dt.date, end: dt.date) -> int:
    """Periods of the enterprise's active schedules that start within the month."""
    total = 0
    for s in SelfInspectionSchedule.objects.filter(enterprise=enterprise, active=True, starts_on__lte=end):
        due = periods.due_between(s.frequency, s.workdays, s.starts_on, start, end + DAY)
        total += sum(1 for p in due if start <= p <= end)
    return total


def figures(enterprise, start: dt.date, end: dt.date) -> dict:
    hazards = Hazard.objects.filter(enterprise=enterprise)
    found = hazards.filter(found_on__gte=start, found_on__lte=end).aggregate(
        general=Count("pk", filter=Q(level=G)), major=Count("pk", filter=Q(level=M)))
    closed = hazards.filter(status=Hazard.Status.CLOSED, closed_on__gte=start, closed_on__lte=end).aggregate(
        general=Count("pk", filter=Q(level=G)), major=Count("pk", filter=Q(level=M)), funds=Sum("funds"))
    still_open = hazards.filter(found_on__lte=end).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=end)).aggregate(
        general=Count("pk", filter=Q(level=G)), major=Count("pk", filter=Q(level=M)))
    done = SelfInspectionRound.objects.filter(enterprise=enterprise, done_on__gte=start, done_on__lte=end).count()
    return {"checks_planned": planned(enterprise, start, end), "checks_done": done,
            "found_general": found["general"], "found_major": found["major"],
            "closed_general": closed["general"], "closed_major": closed["major"],
            "open_general": still_open["general"], "open_major": still_open["major"],
            "funds": closed["funds"] or Decimal("0")}


DETAIL_COLUMNS = (("found_on", "发现日期"), ("place", "部位"), ("level", "等级"), ("measures", "整改措施"),
                  ("responsible_person", "整改责任人"), ("funds", "整改资金（元）"), ("deadline", "整改期限"),
                  ("status", "状态"), ("closed_on", "验收销号日期"))


def details(enterprise, start: dt.date, end: dt.date) -> list[dict]:
    """Every hazard found in the month or still open at its start: what was done about it."""
    qs = (Hazard.objects.filter(enterprise=enterprise, found_on__lte=end)
          .filter(Q(found_on__gte=start) | Q(closed_on__isnull=True) | Q(closed_on__gte=start))
          .order_by("found_on", "id")[:200])
    return [{"found_on": f"{h.found_on:%Y-%m-%d}", "place": h.place, "level": h.get_level_display(),
             "measures": h.measures, "responsible_person": h.responsible_person,
             "funds": str(h.funds) if h.funds is not None else "", "deadline": f"{h.deadline:%Y-%m-%d}" if h.deadline else "",
             "status": h.get_status_display(), "closed_on": f"{h.closed_on:%Y-%m-%d}" if h.closed_on else ""} for h in qs]


SOURCE = MonthlySource("hazards", "隐患排查治理", 10, FIGURES, figures, details, DETAIL_COLUMNS)
