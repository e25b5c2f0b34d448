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
from django.utils import timezone

from anying.core import audit, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM, require
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
    _event(actor, tip, f"提出奖励 {reward.amount} 元（{reward.get_basis_display()}）")
    audit.record(actor, AuditEvent.Action.CREATE, tip, summary=f"提出举报奖励 {reward.amount} 元",
                 after={"amount": str(reward.amount), "basis": basis, "fines": str(reward.fines), "grade": grade,
                        "deaths": deaths})
    return reward


def _locked_reward(actor, tip_id: int) -> Reward:
    tip = _tip(actor, tip_id)
    reward = Reward.objects.select_for_update().filter(tip=tip).first()
    if reward is None:
        raise ValidationError("该举报没有奖励记录")
    return reward


@transaction.atomic
def decide(actor, tip_id: int, approve: bool, note: str = "") -> Reward:
    require(actor, "tips.approve_reward", "无权审批举报奖励")
    reward = _locked_reward(actor, tip_id)
    if reward.status != Reward.Status.PROPOSED:
        raise ValidationError(f"奖励当前为“{reward.get_status_display()}”，不能审批")
    if actor is not SYSTEM and actor.pk == reward.proposed_by_id:
        raise PermissionDenied("提出奖励的人不能审批同一奖励（职责分离）")
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": "不予奖励须写明理由"})
    reward.status = Reward.Status.APPROVED if approve else Reward.Status.REFUSED
    reward.decided_by, reward.decided_at, reward.decision_note = actor, timezone.now(), note[:200]
    reward.save()
    _event(actor, reward.tip, f"{reward.get_status_display()}：{note}".rstrip("："), public=approve, stage=reward.status)
    audit.record(actor, AuditEvent.Action.STATE, reward.tip, summary=f"举报奖励{reward.get_status_display()}",
                 after={"amount": str(reward.amount), "status": reward.status})
    return reward


@transaction.atomic
def pay(actor, tip_id: int, *, paid_on: dt.date, reference: str) -> Reward:
    require(actor, "tips.reward", "无权登记奖励发放")
    reward = _locked_reward(actor, tip_id)
    if reward.status != Reward.Status.APPROVED:
        raise ValidationError("只有已批准的奖励可以登记发放")
    if paid_on < timezone.localdate(reward.decided_at) or paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "发放日期应在批准之后、今天之前"})
    if not (reference or "").strip():
        raise ValidationError({"reference": "请填写发放凭证号"})
    reward.status, reward.paid_on, reward.paid_amount = Reward.Status.PAID, paid_on, reward.amount
    reward.payment_ref = reference.strip()[:60]
    reward.save()
    _event(actor, reward.tip, f"发放 {reward.amount} 元，凭证 {reward.payment_ref}", public=True, stage="paid")
    audit.record(actor, AuditEvent.Action.STATE, reward.tip, summary=f"举报奖励已发放 {reward.amount} 元")
    return reward
