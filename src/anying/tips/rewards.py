"""举报奖励: propose (computed, never typed), approve or refuse (by someone else), pay.

The amount comes from rules.py under the rules of the tip's jurisdiction, frozen on the reward
so a later change of rates does not rewrite an approved reward. Only substantiated tips are
rewarded; a fine-based reward counts the decided (or paid) penalties linked to the tip."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from anying.core import amounts, audit, workflow
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM, require
from anying.core.workflow import Lifecycle, Transition
from anying.inspections.models import Penalty

from . import rules
from .models import Reward, Tip

FINE_CATEGORIES = {Tip.Category.MAJOR_HAZARD, Tip.Category.ILLEGAL}
DECIDED = [Penalty.Status.DECIDED, Penalty.Status.PAID]


def linked_fines(tip: Tip) -> Decimal:
    total = tip.penalties.filter(status__in=DECIDED).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return total.quantize(rules.FEN)  # SQLite sums decimals without their scale


def compute(tip: Tip, basis: str, *, grade: str = "", deaths: int | None = None) -> dict:
    """What the reward would be: {'amount', 'fines', 'rule'}; raises ValidationError when the
    tip does not qualify."""
    if tip.substantiated is not True:
        raise ValidationError("只有核查属实的举报可以奖励")
    applicable = rules.rules_for(tip.region)
    if basis == Reward.Basis.FINE:
        if tip.category not in FINE_CATEGORIES:
            raise ValidationError({"basis": "按罚款计奖仅适用于重大事故隐患和非法违法生产经营建设的举报"})
        fines = linked_fines(tip)
        return {"amount": rules.fine_reward(applicable, fines), "fines": fines, "rule": rules.snapshot(applicable)}
    if basis == Reward.Basis.DEATHS:
        if tip.category != Tip.Category.CONCEALED:
            raise ValidationError({"basis": "按死亡人数计奖仅适用于瞒报谎报事故的举报"})
        amount = rules.death_reward(applicable, grade, deaths or 0)
        return {"amount": amount, "fines": None, "rule": rules.snapshot(applicable)}
    raise ValidationError({"basis": "请选择奖励依据"})


def _tip(actor, tip_id: int) -> Tip:
    tip = Tip.objects.select_for_update().get(pk=tip_id)
    if not Tip.objects.visible_to(actor).filter(pk=tip.pk).exists():
        raise Tip.DoesNotExist
    return tip


def _event(actor, tip: Tip, comment: str, public: bool = False, stage: str = "proposed") -> None:
    workflow.record_event(tip, f"reward:{stage}", actor=actor, previous=tip.status, state=tip.status,
                          comment=comment, public=public)


@transaction.atomic
def propose(actor, tip_id: int, basis: str, *, grade: str = "", deaths: int | None = None) -> Reward:
    require(actor, "tips.reward", "无权提出举报奖励")
    tip = _tip(actor, tip_id)
    existing = Reward.objects.filter(tip=tip).first()
    if existing is not None and existing.status != Reward.Status.REFUSED:
        raise ValidationError("该举报已有奖励记录")
    figures = compute(tip, basis, grade=grade, deaths=deaths)
    if existing is not None:
        existing.delete()  # a refused proposal is replaced by the new one (both stay in the audit trail)
    reward = Reward.objects.create(
        tip=tip, basis=basis, fines=figures["fines"], grade=grade if basis == Reward.Basis.DEATHS else "",
        deaths=deaths if basis == Reward.Basis.DEATHS else None, amount=figures["amount"], rule=figures["rule"],
        proposed_by=actor)
    _event(actor, tip, f"提出奖励 {amounts.yuan(reward.amount)}（{reward.get_basis_display()}）")
    audit.record(actor, AuditEvent.Action.CREATE, tip, summary=f"提出举报奖励 {amounts.yuan(reward.amount)}",
                 after={"amount": str(reward.amount), "basis": basis, "fines": str(reward.fines), "grade": grade,
                        "deaths": deaths})
    return reward


def _approved(step) -> None:
    step.record.decided_at, step.record.decision_note = timezone.now(), step.comment[:200]
    step.comment = f"已批准：{step.comment}".rstrip("：")


def _refused(step) -> None:
    step.record.decided_at, step.record.decision_note = timezone.now(), step.comment[:200]
    step.comment = f"不予奖励：{step.comment}"


def _paid(step) -> None:
    reward, paid_on, reference = step.record, step.data.get("paid_on"), (step.data.get("reference") or "").strip()
    if paid_on is None or paid_on < timezone.localdate(reward.decided_at) or paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "发放日期应在批准之后、今天之前"})
    if not reference:
        raise ValidationError({"reference": "请填写发放凭证号"})
    reward.paid_on, reward.paid_amount, reward.payment_ref = paid_on, reward.amount, reference[:60]
    step.comment = f"发放 {amounts.yuan(reward.amount)}，凭证 {reward.payment_ref}"
    step.summary = f"举报奖励已发放 {amounts.yuan(reward.amount)}"


S = Reward.Status
APPROVER, PAYER = "perm:tips.approve_reward", "perm:tips.reward"
LIFECYCLE = workflow.register(Lifecycle(
    model=Reward, label="举报奖励", transitions=[
        Transition("approve", "批准奖励", (S.PROPOSED,), S.APPROVED, frozenset({APPROVER}), separated=("proposed_by",),
                   stamp=("decided_by",), apply=_approved, notify=("proposer",), public_label="举报奖励已批准"),
        Transition("refuse", "不予奖励", (S.PROPOSED,), S.REFUSED, frozenset({APPROVER}), separated=("proposed_by",),
                   needs_comment="不予奖励须写明理由", stamp=("decided_by",), apply=_refused, notify=("proposer",)),
        Transition("pay", "登记发放", (S.APPROVED,), S.PAID, frozenset({PAYER}), apply=_paid,
                   public_label="举报奖励已发放"),
    ],
    recipients={"proposer": lambda r: [r.proposed_by] if r.proposed_by else []},
    audited=["amount", "basis", "status", "decision_note", "paid_on", "paid_amount", "payment_ref"],
    scoped=lambda user: Reward.objects.filter(tip__in=Tip.objects.visible_to(user)),
    timeline_of=lambda reward: reward.tip, action_prefix="reward:",
    describe=lambda r: f"{r.tip.display_code} {amounts.yuan(r.amount)}",
    url=lambda r: reverse("tip_detail", args=[r.tip_id])))


def _reward_of(actor, tip_id: int) -> int:
    """The reward of a tip the actor may see (else the tip does not exist for them: a 404)."""
    if actor is not SYSTEM and not Tip.objects.visible_to(actor).filter(pk=tip_id).exists():
        raise Tip.DoesNotExist
    pk = Reward.objects.filter(tip_id=tip_id).values_list("pk", flat=True).first()
    if pk is None:
        if not Tip.objects.filter(pk=tip_id).exists():
            raise Tip.DoesNotExist
        raise ValidationError("该举报没有奖励记录")
    return pk


def decide(actor, tip_id: int, approve: bool, note: str = "", version: int | None = None) -> Reward:
    return workflow.run(LIFECYCLE, actor, _reward_of(actor, tip_id), "approve" if approve else "refuse", comment=note,
                        version=version)


def pay(actor, tip_id: int, *, paid_on: dt.date, reference: str, version: int | None = None) -> Reward:
    return workflow.run(LIFECYCLE, actor, _reward_of(actor, tip_id), "pay", data={"paid_on": paid_on, "reference": reference},
                        version=version)
