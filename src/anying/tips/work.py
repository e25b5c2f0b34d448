"""What tips put on a user's 待办 (core/workqueue.py): tips the 12350 desk has to assign, tips
assigned to the user's unit, and rewards waiting for approval."""

from __future__ import annotations

from django.db.models import Case, DateField, Exists, F, OuterRef, Value, When
from django.urls import reverse

from anying.core import amounts
from anying.core.workqueue import WorkItem, WorkSource

from .models import Reward, Tip
from .workflow import OPEN_FOR_VERIFY

S = Tip.Status


def to_assign(user, today):
    return Tip.objects.visible_to(user).filter(status=S.RECEIVED).annotate(work_due=F("verify_due")) \
        .order_by("verify_due", "id")


def assigned(user, today):
    """Open tips assigned to the user's unit: due to be verified, then to be answered."""
    due = Case(When(status__in=OPEN_FOR_VERIFY, then=F("verify_due")),
               When(status__in=[S.SUBSTANTIATED, S.UNSUBSTANTIATED], then=F("reply_due")),
               default=Value(None), output_field=DateField())
    return Tip.objects.visible_to(user).filter(
        unit_id=user.unit_id, status__in=[S.ASSIGNED, S.VERIFYING, S.SUBSTANTIATED, S.UNSUBSTANTIATED, S.REPLIED]) \
        .annotate(work_due=due).order_by(F("work_due").asc(nulls_last=True), "id")


def rewards(user, today):
    """Rewards proposed in the user's scope, not by the user (the approver is someone else)."""
    visible = Tip.objects.visible_to(user).filter(pk=OuterRef("tip_id"))
    return Reward.objects.filter(Exists(visible), status=Reward.Status.PROPOSED).exclude(proposed_by=user) \
        .select_related("tip").annotate(work_due=Value(None, output_field=DateField())).order_by("proposed_at", "id")


def _tip_row(t: Tip) -> WorkItem:
    return WorkItem(f"举报 {t.display_code} · {t.get_category_display()}", reverse("tip_detail", args=[t.pk]),
                    t.get_status_display())


def _reward_row(r: Reward) -> WorkItem:
    return WorkItem(f"举报 {r.tip.display_code} · 奖励 {amounts.yuan(r.amount)}", reverse("tip_detail", args=[r.tip_id]) + "#reward",
                    r.get_basis_display())


SOURCES = [
    WorkSource("tips.assign", "tips", "举报", "待交办的举报", to_assign, _tip_row, "tips.assign",
               list_url="tip_list", due_label="核查期限", order=400),
    WorkSource("tips.assigned", "tips", "举报", "交办本单位的举报", assigned, _tip_row, "tips.handle",
               list_url="tip_list", due_label="核查/答复期限", order=410),
    WorkSource("tips.rewards", "tips", "举报", "待审批的举报奖励", rewards, _reward_row, "tips.approve_reward",
               list_url="tip_list", due_label="—", order=420),
]
