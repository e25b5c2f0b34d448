"""The plans app's 待办 (core/workqueue.py): plans to review or file, the unit's own plans that
wait for it (returned, to issue, revision or evaluation due within 60 days), follow-ups and
revision tasks of the unit, and the unit's planned drills of this month or earlier."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, DateField, F, Q, Value, When
from django.urls import reverse

from anying.core import periods
from anying.core.models import Region
from anying.core.scope import region_subtree_q
from anying.core.workqueue import WorkItem, WorkSource

from .models import Drill, EmergencyPlan, FollowUp

S = EmergencyPlan.Status
SOON = dt.timedelta(days=60)


def _to_review(user, today):
    if not user.unit_id:
        return EmergencyPlan.objects.none()
    territory = Region.objects.filter(region_subtree_q(user, "")).values("pk")
    return (EmergencyPlan.objects.visible_to(user).filter(status__in=[S.SUBMITTED, S.ISSUED], region__in=territory)
            .exclude(owner_id=user.unit_id).exclude(submitted_by_id=user.pk).select_related("owner")
            .annotate(work_due=Case(When(status=S.ISSUED, then=F("filing_due")), default=Value(None),
                                    output_field=DateField()))
            .order_by(F("work_due").asc(nulls_last=True), "submitted_at", "pk"))


def _own(user, today):
    if not user.unit_id:
        return EmergencyPlan.objects.none()
    waiting = (Q(status__in=[S.RETURNED, S.APPROVED]) | Q(revision_due__lte=today + SOON)
               | Q(evaluation_due__lte=today + SOON))
    soonest = Case(When(status__in=[S.RETURNED, S.APPROVED], then=Value(None)),
                   When(evaluation_due__isnull=True, then=F("revision_due")),
                   When(revision_due__isnull=True, then=F("evaluation_due")),
                   When(revision_due__lte=F("evaluation_due"), then=F("revision_due")),
                   default=F("evaluation_due"), output_field=DateField())
    return (EmergencyPlan.objects.visible_to(user).filter(waiting, owner_id=user.unit_id)
            .exclude(effective_to__lt=today).annotate(work_due=soonest)
            .order_by(F("work_due").asc(nulls_first=True), "pk"))


def _follow_ups(kind):
    def items(user, today):
        if not user.unit_id:
            return FollowUp.objects.none()
        return (FollowUp.objects.visible_to(user).filter(unit_id=user.unit_id, kind=kind, done_at__isnull=True)
                .select_related("unit", "plan").annotate(work_due=F("due_on")).order_by("due_on", "pk"))
    return items


def _drills(user, today):
    if not user.unit_id:
        return Drill.objects.none()
    return (Drill.objects.visible_to(user).filter(owner_id=user.unit_id, status=Drill.Status.PLANNED,
                                                  due_on__lte=periods.end("monthly", today.replace(day=1)))
            .annotate(work_due=F("due_on")).order_by("due_on", "pk"))


def _own_row(p):
    what = {S.RETURNED: "退回修改，请修改后重新报审", S.APPROVED: "审核通过，请印发并登记文号"}.get(p.status)
    if what is None:
        what = f"修订期限 {p.revision_due:%Y-%m-%d}" if p.revision_due else ""
        if p.evaluation_due:
            what += f"{'，' if what else ''}评估期限 {p.evaluation_due:%Y-%m-%d}"
    return WorkItem(p.name, reverse("plans:detail", args=[p.pk]), what)


SOURCES = [
    WorkSource("plans.review", "plans", "预案", "待审核、待备案的预案", _to_review,
               lambda p: WorkItem(f"{p.owner.name} · {p.name}", reverse("plans:detail", args=[p.pk]),
                                  "待审核" if p.status == S.SUBMITTED else "已印发，待备案"),
               "plans.review", list_url="plans:list", due_label="备案期限", order=820),
    WorkSource("plans.own", "plans", "预案", "本单位待办的预案", _own, _own_row, "plans.edit",
               list_url="plans:list", due_label="修订/评估期限", order=821),
    WorkSource("plans.revisions", "plans", "预案", "预案修订任务", _follow_ups(FollowUp.Kind.REVISION),
               lambda f: WorkItem(f.text[:80], reverse("plans:follow_ups") + f"?unit={f.unit_id}",
                                  f"预案：{f.plan.name}" if f.plan else f.source_label),
               "plans.edit", list_url="plans:follow_ups", due_label="完成期限", order=822),
    WorkSource("plans.follow_ups", "plans", "预案", "整改任务", _follow_ups(FollowUp.Kind.TASK),
               lambda f: WorkItem(f.text[:80], reverse("plans:follow_ups") + f"?unit={f.unit_id}", f.source_label),
               ("plans.edit", "drills.edit"), list_url="plans:follow_ups", due_label="完成期限", order=823),
    WorkSource("drills.due", "plans", "预案", "本月及以前未开展的演练", _drills,
               lambda d: WorkItem(d.name, reverse("plans:drill", args=[d.pk]), f"计划 {d.planned_label}"),
               "drills.edit", list_url="plans:drills", due_label="计划月末", order=824),
]
