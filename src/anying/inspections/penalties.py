"""行政处罚: file, notify, decide, pay — with the amounts and deadlines of the law.

Rules and sources (standards/data/xzcf_deadlines.csv, where 安全生产违法行为行政处罚办法 (总局令15号)
and 行政处罚法 (2021) differ, the higher law is applied, as that table advises):
- simple procedure (当场处罚) only up to 200 元 for a citizen and 3,000 元 for an organisation
  (行政处罚法 第51条);
- a decision within 30 days of filing, extended to 90 days with the consent of the unit's head
  and to 180 days with the approval of the level above, each extension recorded before the
  current limit runs out (总局令15号 第三十二条; 行政处罚法 第60条's 90 days yield to it: “法律、
  法规、规章另有规定的，从其规定”) — data/penalty_decision_limits.csv;
- after the 行政处罚告知书, 5 days to ask for a hearing (行政处罚法 第64条; 15号令 says 3 — the
  higher law's period is the one a party may rely on);
- payment within 15 days of the decision (第67条); after that a late fee of 3% of the fine per day,
  never more than the fine (第72条).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from anying.campaigns import services as campaign_services
from anying.core import amounts, audit, clock, recipients, workflow
from anying.core.clock import Clock
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM, require
from anying.core.workflow import Lifecycle, Transition
from anying.registry.models import Enterprise

from . import documents
from .models import DecisionExtension, EnforcementDocument, Penalty

SIMPLE_LIMITS = {Penalty.Party.CITIZEN: Decimal("200"), Penalty.Party.ORGANISATION: Decimal("3000")}
STATEMENT_DAYS = 5
PAY_WITHIN_DAYS = 15
LATE_FEE_RATE = Decimal("0.03")
CENT = Decimal("0.01")
DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Limit:
    days: int
    approval: str  # "" for the first limit; DecisionExtension.Approval for an extension
    label: str


def _limits() -> list[Limit]:
    with (DATA / "penalty_decision_limits.csv").open(encoding="utf-8") as f:
        return [Limit(int(r["days"]), r["approval"], r["label"]) for r in csv.DictReader(line for line in f if not line.startswith("#"))]


LIMITS = _limits()  # 30 → 90 (负责人) → 180 (上级), in order
DECIDE_WITHIN_DAYS = LIMITS[0].days


def next_limit(penalty: Penalty) -> Limit | None:
    """The extension the case may still get, or None (already at the longest limit)."""
    return next((limit for limit in LIMITS if limit.days > penalty.decide_within), None)


def may_extend(penalty: Penalty, today: dt.date) -> bool:
    return penalty.status in (Penalty.Status.FILED, Penalty.Status.NOTIFIED) and next_limit(penalty) is not None \
        and today <= penalty.decide_by


def late_fee(amount: Decimal, pay_by: dt.date | None, on: dt.date) -> Decimal:
    """加处罚款 on `on`: 3% of the fine for each day after `pay_by`, capped at the fine."""
    if pay_by is None or on <= pay_by:
        return Decimal("0.00")
    days = (on - pay_by).days
    return min(amount, (amount * LATE_FEE_RATE * days).quantize(CENT, rounding=ROUND_HALF_UP))


def amount_due(penalty: Penalty, on: dt.date) -> Decimal:
    return penalty.amount + late_fee(penalty.amount, penalty.pay_by, on)


def _validate(data: dict) -> dict:
    errors = {}
    amount = data.get("amount")
    if not isinstance(amount, Decimal) or amount <= 0 or amount != amount.quantize(CENT):
        errors["amount"] = "罚款金额应为大于 0、最多两位小数的金额"
    elif data.get("procedure") == Penalty.Procedure.SIMPLE and amount > SIMPLE_LIMITS[data.get("party")]:
        limit = SIMPLE_LIMITS[data.get("party")]
        errors["amount"] = f"简易程序对{Penalty.Party(data['party']).label}罚款不得超过 {amounts.yuan(limit)}（行政处罚法第五十一条）"
    for key, label in (("party_name", "当事人"), ("facts", "违法事实"), ("evidence", "主要证据"), ("violated", "违反的规定"),
                       ("legal_basis", "处罚依据")):
        if not str(data.get(key) or "").strip():
            errors[key] = f"请填写{label}"
    if errors:
        raise ValidationError(errors)
    return data


def _check_actor(actor, enterprise: Enterprise) -> None:
    require(actor, "inspections.inspect", "无权办理行政处罚")
    if actor is not SYSTEM and not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDenied()


@transaction.atomic
def file_case(actor, enterprise: Enterprise, data: dict, *, inspection=None, today: dt.date | None = None) -> Penalty:
    """立案. A simple-procedure case is decided on the spot (当场处罚决定书)."""
    today = today or timezone.localdate()
    _check_actor(actor, enterprise)
    data = _validate({"party": Penalty.Party.ORGANISATION, "procedure": Penalty.Procedure.GENERAL, **data})
    if "campaign" not in data and inspection is not None:
        # a case filed from an inspection belongs to its campaign, checked when the inspection was
        # recorded: the campaign may have ended since, and the case must still be filed
        data["campaign"] = inspection.campaign
    elif data.get("campaign") is not None and (inspection is None or data["campaign"].pk != inspection.campaign_id):
        campaign_services.check_tag(actor, data["campaign"], enterprise, today)
    if actor is SYSTEM and inspection is None:
        raise ValidationError("系统立案须指明来源检查（以其执法单位立案）")
    unit = actor.unit if actor is not SYSTEM else inspection.unit
    penalty = Penalty.objects.create(
        enterprise=enterprise, region_id=enterprise.region_id, industry_id=enterprise.industry_id,
        organisation_id=enterprise.organisation_id, unit=unit, inspection=inspection, filed_on=today,
        decide_by=today + dt.timedelta(days=DECIDE_WITHIN_DAYS), decide_within=DECIDE_WITHIN_DAYS, created_by=actor,
        **data)
    audit.record(actor, AuditEvent.Action.CREATE, penalty, summary=f"立案：{penalty}")
    if penalty.procedure == Penalty.Procedure.SIMPLE:
        return decide(actor, penalty.pk, today)
    return penalty


def _today(step) -> dt.date:
    return step.data.get("today") or timezone.localdate()


def _notified(step) -> None:
    """行政处罚告知书: the party may state its case or ask for a hearing within 5 days."""
    penalty, today = step.record, _today(step)
    penalty.notified_on, penalty.statement_by = today, today + dt.timedelta(days=STATEMENT_DAYS)
    step.scratch["document"] = EnforcementDocument.Kind.PENALTY_NOTICE


def _decided(step) -> None:
    penalty, today = step.record, _today(step)
    if step.previous == Penalty.Status.FILED:
        if penalty.procedure != Penalty.Procedure.SIMPLE:
            raise ValidationError("须先送达行政处罚告知书")
    else:
        if today <= penalty.statement_by:
            raise ValidationError(f"陈述申辩、听证申请期限至 {penalty.statement_by}，期满后方可作出决定")
        if today > penalty.decide_by:
            raise ValidationError(
                f"已超过作出决定的期限：立案之日起 {penalty.decide_within} 日，即 {_day(penalty.decide_by)}，"
                f"今天不能再作出处罚决定。期限只能在届满前经批准延长（总局令15号第三十二条），请报本部门负责人处理")
    penalty.decided_on, penalty.pay_by = today, today + dt.timedelta(days=PAY_WITHIN_DAYS)
    step.scratch["document"] = EnforcementDocument.Kind.PENALTY_DECISION


def _day(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _extended(step) -> None:
    """延长作出决定期限: the next limit, with who approved it (the head for 90 days, the level
    above for 180), when and why; only before the current limit has run out."""
    penalty, today = step.record, _today(step)
    limit = next_limit(penalty)
    if limit is None:
        raise ValidationError(f"作出决定期限已延长至立案之日起 {penalty.decide_within} 日，不能再延长")
    if today > penalty.decide_by:
        raise ValidationError(f"作出决定期限已于 {_day(penalty.decide_by)} 届满，届满后不能再延长")
    approval = DecisionExtension.Approval(limit.approval)
    approver, approved_on = (step.data.get("approver") or "").strip(), step.data.get("approved_on")
    errors = {}
    if not approver:
        errors["approver"] = "请填写同意延长的负责人" if approval == approval.HEAD else "请填写批准延长的上一级部门及批准人"
    if not isinstance(approved_on, dt.date) or not penalty.filed_on <= approved_on <= min(today, penalty.decide_by):
        errors["approved_on"] = f"批准日期应在立案日期（{penalty.filed_on:%Y-%m-%d}）之后、原期限届满和今天之前"
    if errors:
        raise ValidationError(errors)
    previous = penalty.decide_by
    penalty.decide_within = limit.days
    penalty.decide_by = penalty.filed_on + dt.timedelta(days=limit.days)
    DecisionExtension.objects.create(
        penalty=penalty, approval=approval, approver=approver[:100], approved_on=approved_on, reason=step.comment,
        days=limit.days, previous_by=previous, decide_by=penalty.decide_by,
        recorded_by=step.actor if step.actor is not SYSTEM else None)
    step.summary = (f"{approval.label}（{approver}，{approved_on:%Y-%m-%d}），作出决定期限由 {previous:%Y-%m-%d} "
                    f"延长至 {penalty.decide_by:%Y-%m-%d}（立案之日起 {limit.days} 日）")
    step.comment = f"{step.summary}。理由：{step.comment}"


def _paid(step) -> None:
    """缴款: the fine plus any late fee due on the day paid."""
    penalty, paid_on, paid_amount = step.record, step.data.get("paid_on"), step.data.get("paid_amount")
    if paid_on is None or paid_on < penalty.decided_on or paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "缴款日期应在决定日期之后、今天之前"})
    due = amount_due(penalty, paid_on)
    if paid_amount != due:
        raise ValidationError({"paid_amount": f"{paid_on} 应缴 {amounts.yuan(due)}（罚款 {amounts.yuan(penalty.amount)}，加处罚款 "
                                              f"{amounts.yuan(due - penalty.amount)}）"})
    penalty.paid_on, penalty.paid_amount = paid_on, paid_amount
    step.summary = f"缴款 {amounts.yuan(paid_amount)}"
    step.comment = step.comment or step.summary


def _issue_document(step) -> None:
    if "document" in step.scratch:
        documents.issue_for_penalty(step.actor, step.record, step.scratch["document"], _today(step))


FILING_UNIT = "filing_unit"  # an enforcement officer of the unit that filed the case


def _parties(user, penalty: Penalty) -> set[str]:
    if user.has_perm_code("inspections.inspect") and user.unit_id == penalty.unit_id:
        return {FILING_UNIT}
    return set()


S = Penalty.Status
LIFECYCLE = workflow.register(Lifecycle(
    model=Penalty, label="行政处罚", parties=_parties, transitions=[
        Transition("notify", "告知", (S.FILED,), S.NOTIFIED, frozenset({FILING_UNIT}), apply=_notified,
                   notify=("enterprise",)),
        # 当场处罚 goes straight from filing to the decision (simple procedure only)
        Transition("decide", "作出处罚决定", (S.FILED, S.NOTIFIED), S.DECIDED, frozenset({FILING_UNIT}),
                   apply=_decided, notify=("enterprise",)),
        Transition("pay", "登记缴款", (S.DECIDED,), S.PAID, frozenset({FILING_UNIT}), apply=_paid),
        # the state stays; the limit moves (30 → 90 → 180 days), with the approval recorded
        Transition("extend", "延长作出决定期限", (S.FILED, S.NOTIFIED), None, frozenset({FILING_UNIT}),
                   needs_comment="请写明延长的理由", apply=_extended),
    ],
    recipients={"enterprise": lambda p: recipients.members([p.organisation_id])},
    audited=["party_name", "amount", "status", "decide_within", "decide_by", "notified_on", "statement_by",
             "decided_on", "pay_by", "paid_on", "paid_amount"],
    after=[_issue_document], describe=lambda p: f"{p.party_name} 罚款 {amounts.yuan(p.amount)}",
    url=lambda p: reverse("penalty_detail", args=[p.pk])))


def _filing_units(penalties: list) -> dict:
    by_unit = {unit: recipients.members([unit], "inspections.inspect") for unit in {p.unit_id for p in penalties}}
    return {p.pk: by_unit[p.unit_id] for p in penalties}


DECISION = clock.register(Clock(
    name="penalty_decision", label="行政处罚决定期限", model=Penalty, due="decide_by",
    open=Q(status__in=[S.FILED, S.NOTIFIED]), defaults=DATA / "penalty_decision_clock.csv",
    fields=("status", "party_name", "amount", "unit_id"), recipients=_filing_units,
    describe=lambda p: f"{p.party_name} 罚款 {amounts.yuan(p.amount)}（决定期限 {p.decide_by:%Y-%m-%d}）",
    url=lambda p: reverse("penalty_detail", args=[p.pk]),
    cycles=True))  # an extension moves the limit: the reminders start again for the new one


def notify(actor, penalty_id: int, today: dt.date | None = None, version: int | None = None) -> Penalty:
    return workflow.run(LIFECYCLE, actor, penalty_id, "notify", data={"today": today}, version=version)


def decide(actor, penalty_id: int, today: dt.date | None = None, version: int | None = None) -> Penalty:
    return workflow.run(LIFECYCLE, actor, penalty_id, "decide", data={"today": today}, version=version)


def extend(actor, penalty_id: int, *, approver: str, approved_on: dt.date | None, reason: str,
           today: dt.date | None = None, version: int | None = None) -> Penalty:
    return workflow.run(LIFECYCLE, actor, penalty_id, "extend", comment=reason,
                        data={"approver": approver, "approved_on": approved_on, "today": today}, version=version)


def record_payment(actor, penalty_id: int, *, paid_on: dt.date, paid_amount: Decimal,
                   version: int | None = None) -> Penalty:
    return workflow.run(LIFECYCLE, actor, penalty_id, "pay", data={"paid_on": paid_on, "paid_amount": paid_amount},
                        version=version)
