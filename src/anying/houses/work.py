"""What the house ledger puts on the 待办 (core/workqueue.py), each step for the unit that takes
it: the village or town files the plan of an assessed household; the town approves plans and
accepts finished works; the district pays the subsidy of accepted households. The date shown is
the day the household reached its step."""

from __future__ import annotations

from django.db.models import F
from django.urls import reverse

from anying.core.workqueue import WorkItem, WorkSource

from .models import Household

S = Household.Status


def _waiting(user, status, due):
    return (Household.objects.visible_to(user).filter(status=status).select_related("village")
            .annotate(work_due=F(due)).order_by(due, "id"))


def plans_due(user, today):
    return _waiting(user, S.ASSESSED, "assessed_on")


def approvals_due(user, today):
    return _waiting(user, S.PLANNED, "assessed_on")


def acceptance_due(user, today):
    return _waiting(user, S.COMPLETED, "completed_on")


def payments_due(user, today):
    return _waiting(user, S.ACCEPTED, "accepted_on")


def _row(what):
    def describe(h: Household) -> WorkItem:
        return WorkItem(f"{h.village.name} · {h.head}户", reverse("house_detail", args=[h.pk]),
                        f"{h.degree}{'，' + what if what else ''}")
    return describe


SOURCES = [
    WorkSource("houses.plans", "houses", "救灾救助", "待填报重建方案的倒损住房户", plans_due, _row("待填报方案"),
               "houses.record", list_url="house_list", due_label="评估日期", order=960),
    WorkSource("houses.approve", "houses", "救灾救助", "待审批的重建方案", approvals_due, _row("方案待审批"),
               "houses.approve", list_url="house_list", due_label="评估日期", order=961),
    WorkSource("houses.accept", "houses", "救灾救助", "待验收的恢复重建", acceptance_due, _row("已竣工待验收"),
               "houses.approve", list_url="house_list", due_label="竣工日期", order=962),
    WorkSource("houses.pay", "houses", "救灾救助", "待发放的倒损住房补助", payments_due, _row("已验收待发放"),
               "houses.pay", list_url="house_list", due_label="验收日期", order=963),
]
