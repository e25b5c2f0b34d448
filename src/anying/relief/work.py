"""What 冬春救助 puts on the 待办 (core/workqueue.py), one source per step and the unit that takes
it: the village's filed applications to review (村评), the town's to review and to post (乡审,
公示) and the objections to answer, the district's decisions whose notice has run its days (县定)
and the payments to record (发放)."""

from __future__ import annotations

from django.db.models import DateField, F
from django.db.models.functions import Cast, TruncDate
from django.urls import reverse

from anying.core.workqueue import WorkItem, WorkSource

from .models import Application, Objection

S = Application.Status


def _apps(user, *states):
    return Application.objects.visible_to(user).filter(status__in=states).select_related("village")


def village_due(user, today):
    return _apps(user, S.FILED).annotate(work_due=Cast(TruncDate("filed_at"), DateField())).order_by("filed_at", "id")


def town_due(user, today):
    return _apps(user, S.VILLAGE_PASSED).annotate(work_due=Cast(TruncDate("filed_at"), DateField())).order_by(
        "filed_at", "id")


def notice_due(user, today):
    return _apps(user, S.TOWN_PASSED).annotate(work_due=Cast(TruncDate("filed_at"), DateField())).order_by(
        "filed_at", "id")


def decide_due(user, today):
    """Notices that have run their days; those with an open objection wait for the town's answer."""
    return (_apps(user, S.NOTICE).filter(notice__ends_on__lt=today).exclude(objections__status=Objection.Status.OPEN)
            .annotate(work_due=F("notice__ends_on")).order_by("notice__ends_on", "id"))


def pay_due(user, today):
    return _apps(user, S.DECIDED).annotate(work_due=F("decided_on")).order_by("decided_on", "id")


def objections_due(user, today):
    return (Objection.objects.visible_to(user).filter(status=Objection.Status.OPEN).select_related("application")
            .annotate(work_due=F("notice__ends_on")).order_by("received_at", "id"))


def _app(a: Application) -> WorkItem:
    return WorkItem(f"{a.village.name} · {a.head}户 · {a.get_status_display()}",
                    reverse("relief:application_detail", args=[a.pk]), f"{a.number} · {a.amount} 元")


def _objection(o: Objection) -> WorkItem:
    return WorkItem(f"公示异议 · {o.application.head}户", reverse("relief:application_detail", args=[o.application_id]),
                    o.content[:60])


SOURCES = [
    WorkSource("relief.village", "relief", "救灾救助", "待村评的冬春救助户报", village_due, _app, "relief.village_review",
               list_url="relief:application_list", due_label="户报日期", order=960),
    WorkSource("relief.town", "relief", "救灾救助", "待乡审的冬春救助申请", town_due, _app, "relief.town_review",
               list_url="relief:application_list", due_label="户报日期", order=961),
    WorkSource("relief.notice", "relief", "救灾救助", "乡审通过待张榜公示", notice_due, _app, "relief.town_review",
               list_url="relief:notice_list", due_label="户报日期", order=962),
    WorkSource("relief.objections", "relief", "救灾救助", "待答复的公示异议", objections_due, _objection,
               "relief.town_review", list_url="relief:notice_list", due_label="公示截止", order=963),
    WorkSource("relief.decide", "relief", "救灾救助", "公示期满待县定", decide_due, _app, "relief.decide",
               list_url="relief:application_list", due_label="公示截止", order=964),
    WorkSource("relief.pay", "relief", "救灾救助", "已核定待发放到户", pay_due, _app, "relief.pay",
               list_url="relief:application_list", due_label="县定日期", order=965),
]
