"""What hazards put on a user's 待办 (core/workqueue.py): hazards to rectify, to accept and to
review, extension requests to answer, weekly 督办 reports owed, and this period's 日周月排查.
Each function returns a scoped queryset annotated with `work_due`."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, DateField, F, Max, Value, When
from django.urls import reverse

from anying.core.permissions import is_enterprise_user
from anying.core.workqueue import WorkItem, WorkSource

from . import authority, self_inspection
from .models import ExtensionRequest, Hazard, SelfInspectionSchedule
from .queries import pending_extensions
from .supervision import REPORT_EVERY_DAYS

S = Hazard.Status
NO_DATE = Value(None, output_field=DateField())


def _hazards(user):
    return Hazard.objects.visible_to(user).select_related("enterprise")


def to_rectify(user, today):
    """An enterprise's hazards to rectify and submit for review, by 整改期限."""
    return _hazards(user).filter(status__in=[S.REGISTERED, S.RECTIFYING]).annotate(work_due=F("deadline")) \
        .order_by(F("deadline").asc(nulls_last=True), "id")


def to_accept(user, today):
    """自查自改: a general hazard the enterprise found itself is accepted by the enterprise (not
    by whoever submitted it)."""
    return _hazards(user).filter(status=S.SUBMITTED, level=Hazard.Level.GENERAL, channel=Hazard.Channel.SELF) \
        .exclude(submitted_by=user).annotate(work_due=F("review_due")).order_by("review_due", "id")


def to_review(user, today):
    """复查: hazards submitted in the inspector's scope, not rectified or submitted by them, and not
    under another unit's 督办 (its review is that unit's: authority.reviewable_q)."""
    return _hazards(user).filter(authority.reviewable_q(user), status=S.SUBMITTED).exclude(submitted_by=user) \
        .exclude(rectified_by=user) \
        .annotate(work_due=F("review_due")).order_by("review_due", "id")


def extensions(user, today):
    return pending_extensions(user).annotate(work_due=F("answer_due"))


def progress_due(user, today):
    """督办 major hazards whose weekly progress report is due (7 days after the last report or
    the 督办 itself) today or earlier. Supervised hazards are few, so the due dates are worked
    out here (one query) and written into the queryset: date arithmetic in SQL differs between
    SQLite and PostgreSQL."""
    open_supervised = _hazards(user).filter(supervision__isnull=False).exclude(status=S.CLOSED)
    due = {}
    for pk, issued_on, last in open_supervised.order_by().annotate(last=Max("progress_reports__reported_on")) \
            .values_list("pk", "supervision__issued_on", "last"):
        when = (last or issued_on) + dt.timedelta(days=REPORT_EVERY_DAYS)
        if when <= today:
            due[pk] = when
    if not due:
        return Hazard.objects.none().annotate(work_due=NO_DATE)
    return _hazards(user).filter(pk__in=due).annotate(
        work_due=Case(*(When(pk=pk, then=Value(when)) for pk, when in due.items()), output_field=DateField())
    ).order_by("work_due", "id")


def checks_due(user, today):
    """日周月排查 whose current period has no round yet: due by the period's end. A daily check
    is due only on its working days (core/routine.py)."""
    routine = self_inspection.ROUTINE
    return SelfInspectionSchedule.objects.visible_to(user).filter(routine.due_now_q(today)) \
        .select_related("enterprise").annotate(work_due=routine.period_end(today)).order_by("work_due", "id")


def _hazard_row(h: Hazard) -> WorkItem:
    # no 来源 (channel): an enterprise must not learn that a hazard came from a tip
    return WorkItem(f"{h.enterprise.name} · {h.place}", reverse("hazard_detail", args=[h.pk]),
                    f"{h.get_level_display()} · {h.get_status_display()}")


def _extension_row(e: ExtensionRequest) -> WorkItem:
    return WorkItem(f"{e.hazard.enterprise.name} · {e.hazard.place}",
                    reverse("hazard_detail", args=[e.hazard_id]) + "#extensions",
                    f"申请将整改期限延至 {e.new_deadline:%Y-%m-%d}")


def _check_row(s: SelfInspectionSchedule) -> WorkItem:
    return WorkItem(f"{s.enterprise.name} · {s.name}", reverse("round_create", args=[s.pk]),
                    f"{s.get_frequency_display()} · 责任：{s.assignee}")


SOURCES = [
    WorkSource("hazards.rectify", "hazards", "隐患", "待整改的隐患", to_rectify, _hazard_row, "hazards.act",
               list_url="hazard_list", due_label="整改期限", order=200, applies=is_enterprise_user),
    WorkSource("hazards.accept", "hazards", "隐患", "待本企业验收的自查隐患", to_accept, _hazard_row, "hazards.act",
               list_url="hazard_list", due_label="验收期限", order=205, applies=is_enterprise_user),
    WorkSource("hazards.review", "hazards", "隐患", "待复查的隐患", to_review, _hazard_row, "hazards.supervise",
               list_url="hazard_list", due_label="复查期限", order=210),
    WorkSource("hazards.extensions", "hazards", "隐患", "待答复的延期申请", extensions, _extension_row,
               "hazards.supervise", list_url="hazard_list", due_label="答复期限", order=215),
    WorkSource("hazards.progress", "hazards", "隐患", "应报督办周报的重大隐患", progress_due, _hazard_row,
               "hazards.act", list_url="hazard_issue_list", due_label="周报应报日期", order=220),
    WorkSource("hazards.checks", "hazards", "隐患", "本期待做的日周月排查", checks_due, _check_row,
               "hazards.self_inspect", list_url="self_inspection_overview", due_label="本期截止", order=230),
]
