"""Writes of the credit register: a listing proposed, approved by someone else (职责分离),
published, and removed — at the end of its period (the tick) or early once the removal
conditions are met and checked; the 行政处罚信息公示 of a decided penalty. Every write checks
the permission and the actor's scope, validates with Chinese messages keyed by field (nothing
written on a refusal) and is audited; the lifecycle runs through core.workflow."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, numbering, recipients, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM, require
from anying.core.workflow import PERM, Lifecycle, Transition
from anying.forestfire.entry import valid_id
from anying.inspections.models import EnforcementDocument, Penalty
from anying.registry.models import Enterprise

from . import reference
from .models import Listing, PenaltyNotice

A = AuditEvent.Action
S = Listing.Status
PROPOSE, APPROVE, PUBLISH = PERM + "credit.propose", PERM + "credit.approve", PERM + "credit.publish"
AUDITED = ["status", "ground", "reason", "legal_basis", "decision_number", "listed_on", "period_end",
           "published_on", "removed_on", "removal", "removal_conditions", "removal_note"]
FIELDS = ["subject", "enterprise", "person_name", "person_role", "ground", "reason", "legal_basis", "penalty",
          "decision_number"]


def _text(data: dict, key: str, limit: int) -> str:
    return " ".join(str(data.get(key) or "").split())[:limit]


def today() -> dt.date:
    return timezone.localdate()


@transaction.atomic
def propose(actor, data: dict, *, is_demo: bool = False) -> Listing:
    """拟列入: the deciding unit (the actor's, 谁处罚谁决定) proposes an enterprise or one of its
    people for the list on a ground of 应急管理部令第11号."""
    require(actor, "credit.propose", "无权提出列入严重失信主体名单")
    errors: dict = {}
    pk = getattr(data.get("enterprise"), "pk", data.get("enterprise"))
    scope = Enterprise.objects.all() if actor is SYSTEM else Enterprise.objects.visible_to(actor)
    enterprise = scope.filter(pk=pk).first() if isinstance(pk, int) else None
    if enterprise is None:
        errors["enterprise"] = "请选择生产经营单位（本辖区已登记的）"
    subject = data.get("subject") or Listing.Subject.ENTERPRISE
    if subject not in Listing.Subject.values:
        errors["subject"] = "请选择列入对象"
    name = _text(data, "person_name", 40)
    id_number = _text(data, "person_id_number", 18).upper()
    role = _text(data, "person_role", 40)
    if subject == Listing.Subject.PERSON:
        if not name:
            errors["person_name"] = "请填写人员姓名"
        if not valid_id(id_number):
            errors["person_id_number"] = "身份证号不正确（18位，末位校验码须相符）"
        if not role:
            errors["person_role"] = "请填写职务，如主要负责人"
    else:
        name, id_number, role = "", "", ""
    ground = data.get("ground") or ""
    if ground not in reference.grounds():
        errors["ground"] = "请选择列入情形（应急管理部令第11号）"
    reason = str(data.get("reason") or "").strip()[:2000]
    if not reason:
        errors["reason"] = "请填写失信事实"
    basis = _text(data, "legal_basis", 500)
    if not basis:
        errors["legal_basis"] = "请填写法律依据"
    penalty = None
    raw = getattr(data.get("penalty"), "pk", data.get("penalty"))
    if raw not in (None, ""):
        pscope = Penalty.objects.all() if actor is SYSTEM else Penalty.objects.visible_to(actor)
        penalty = pscope.filter(pk=raw, decided_on__isnull=False).first() if isinstance(raw, int) else None
        if penalty is None or (enterprise is not None and penalty.enterprise_id != enterprise.pk):
            errors["penalty"] = "请选择该单位已作出决定的行政处罚"
    unit = data.get("decision_unit") if actor is SYSTEM else actor.unit
    if unit is None:
        errors["enterprise"] = "请以作出处罚决定的部门身份提出"
    if errors:
        raise ValidationError(errors)
    year = today().year
    listing = Listing.objects.create(
        number=numbering.next_number("严重失信名单", year), subject=subject, enterprise=enterprise,
        person_name=name, person_id_number=id_number, person_role=role, ground=ground, reason=reason,
        legal_basis=basis, penalty=penalty, decision_unit=unit, decision_number=_text(data, "decision_number", 60),
        proposed_by=None if actor is SYSTEM else actor, is_demo=is_demo)
    workflow.record_event(listing, "created", actor=actor, state=listing.status)
    audit.record(actor, A.CREATE, listing, after=_snapshot(listing), place=enterprise,
                 summary=f"拟列入严重失信主体名单：{listing.subject_name}")
    return listing


def _snapshot(listing: Listing) -> dict:
    snap = audit.snapshot(listing, [*FIELDS, *AUDITED])
    snap.pop("person_id_number", None)  # the audit trail keeps no whole ID number
    return snap


def _day(step) -> dt.date:
    day = step.data.get("day") or today()
    if not isinstance(day, dt.date) or day > today():
        raise ValidationError({"day": "日期不能晚于今天"})
    return day


def _approved(step) -> None:
    listing = step.record
    listing.listed_on = _day(step)
    listing.period_end = reference.add_years(listing.listed_on, reference.rule("listing_years"))
    step.summary = f"决定列入，管理期至 {listing.period_end}"


def _published(step) -> None:
    step.record.published_on = today()


def _removed(step) -> None:
    """Removal: at the end of the period, or early (信用修复) once listed the minimum months and
    every condition of data/removal_conditions.csv is met — the conditions ticked are kept."""
    listing = step.record
    day = today()
    kind = step.data.get("removal") or Listing.Removal.EXPIRED
    if kind == Listing.Removal.EXPIRED:
        if listing.period_end and day < listing.period_end:
            raise ValidationError({"removal": f"管理期至 {listing.period_end}，未满不能按期满移出（可申请提前移出）"})
        listing.removal_conditions = []
    elif kind == Listing.Removal.EARLY:
        months = reference.rule("early_removal_months")
        earliest = reference.add_months(listing.listed_on, months) if listing.listed_on else day
        if day < earliest:
            raise ValidationError({"removal": f"列入满{months}个月（{earliest}）后方可申请提前移出"})
        ticked = [c for c in step.data.get("conditions") or [] if c in reference.removal_conditions()]
        missing = [r["label"] for k, r in reference.removal_conditions().items() if k not in ticked]
        if missing:
            raise ValidationError({"conditions": "提前移出须满足全部条件，尚未满足：" + "；".join(missing)})
        listing.removal_conditions = ticked
    else:
        raise ValidationError({"removal": "请选择移出方式"})
    listing.removal = kind
    listing.removed_on = day
    listing.removal_note = step.comment[:500]
    step.summary = f"{listing.get_removal_display()}，停止公示"


def _approvers(listing):
    return recipients.over(listing.enterprise.region_id, "credit.approve")


def _publishers(listing):
    return recipients.over(listing.enterprise.region_id, "credit.publish")


LISTINGS = workflow.register(Lifecycle(
    model=Listing, label="严重失信主体名单", transitions=[
        Transition("approve", "决定列入", (S.PROPOSED,), S.APPROVED, frozenset({APPROVE}), separated=("proposed_by",),
                   stamp=("approved_by",), notify=("publishers",), apply=_approved),
        Transition("reject", "不予列入", (S.PROPOSED,), S.REJECTED, frozenset({APPROVE}), separated=("proposed_by",),
                   needs_comment="请说明不予列入的理由"),
        Transition("publish", "公示", (S.APPROVED,), S.PUBLISHED, frozenset({PUBLISH}), stamp=("published_by",),
                   apply=_published, public_label="已公示"),
        Transition("remove", "移出名单", (S.PUBLISHED,), S.REMOVED, frozenset({APPROVE}), stamp=("removed_by",),
                   needs_comment="请说明移出依据（期满或信用修复核查情况）", apply=_removed, public_label="已移出"),
    ], recipients={"approvers": _approvers, "publishers": _publishers},
    audited=AUDITED, events={"created": "拟列入", "expired": "管理期满自动移出"},
    describe=lambda g: f"{g.number} {g.subject_name}",
    summary=lambda g: g.ground_label[:40],
    url=lambda g: reverse("credit:detail", args=[g.pk])))


def run(actor, pk: int, name: str, **kwargs) -> Listing:
    return workflow.run(LISTINGS, actor, pk, name, **kwargs)


def expire(now) -> int:
    """Tick: published listings whose period has ended are removed (管理期满移出), audited."""
    day = timezone.localdate(now) if isinstance(now, dt.datetime) else now
    count = 0
    for listing in Listing.objects.filter(status=S.PUBLISHED, period_end__lte=day).order_by("id")[:500]:
        with transaction.atomic():
            locked = Listing.objects.select_for_update().get(pk=listing.pk)
            if locked.status != S.PUBLISHED:
                continue
            before = audit.snapshot(locked, AUDITED)
            locked.status, locked.removal, locked.removed_on = S.REMOVED, Listing.Removal.EXPIRED, day
            locked.version += 1
            locked.save()
            workflow.record_event(locked, "expired", previous=S.PUBLISHED, state=S.REMOVED)
            audit.record(SYSTEM, A.STATE, locked, before=before, after=audit.snapshot(locked, AUDITED),
                         summary="管理期满，自动移出严重失信主体名单")
            count += 1
    return count


# ----- 行政处罚信息公示 -----

def decision_number(penalty: Penalty) -> str:
    return EnforcementDocument.objects.filter(
        penalty=penalty, kind=EnforcementDocument.Kind.PENALTY_DECISION).values_list("number", flat=True).first() or ""


@transaction.atomic
def publish_penalty(actor, penalty_pk: int, *, on: dt.date | None = None) -> PenaltyNotice:
    """Publish a decided penalty (行政处罚信息公示): its public fields frozen now, due within the
    working days of data/rules.csv from the decision (a later publication is flagged 逾期)."""
    require(actor, "credit.publish", "无权公示行政处罚信息")
    scope = Penalty.objects.all() if actor is SYSTEM else Penalty.objects.visible_to(actor)
    penalty = scope.select_related("enterprise", "unit").select_for_update(of=("self",)).filter(pk=penalty_pk).first()
    if penalty is None:
        raise PermissionDenied("不存在或不在您的范围内")
    if penalty.decided_on is None:
        raise ValidationError("该案件尚未作出处罚决定，不能公示")
    if PenaltyNotice.objects.filter(penalty=penalty).exists():
        raise ValidationError("该处罚决定已公示")
    day = on or today()
    organisation = penalty.party == Penalty.Party.ORGANISATION
    first_line = (penalty.violated or "").strip().splitlines()[0][:200] if penalty.violated else "安全生产违法行为"
    notice = PenaltyNotice.objects.create(
        penalty=penalty, due_by=reference.publish_due(penalty.decided_on), published_on=day,
        publish_until=reference.add_years(penalty.decided_on, reference.rule("penalty_publish_years")),
        party_name=penalty.party_name if organisation else penalty.party_name[:1] + "*",
        party_kind="法人及非法人组织" if organisation else "自然人",
        credit_code=penalty.enterprise.credit_code if organisation else "",
        legal_representative=penalty.enterprise.legal_representative if organisation else "",
        decision_number=decision_number(penalty), violation_type=first_line, facts=penalty.facts,
        basis=penalty.legal_basis, content=f"罚款人民币{penalty.amount:,.2f}元", amount=penalty.amount,
        decided_on=penalty.decided_on, unit_name=penalty.unit.name, published_by=None if actor is SYSTEM else actor)
    audit.record(actor, A.CREATE, notice, place=penalty.enterprise,
                 summary=f"公示行政处罚 {notice.party_name}" + ("（逾期）" if notice.late else ""))
    return notice


def rerating(user) -> list[dict]:
    """Enterprises graded in standardization (达标, a grade) that since their certificate date
    have a major hazard or an accident with deaths or injuries: 应重新核定 (重大隐患) or 应撤销
    (伤亡事故) — seed 001. One query for each kind of cause over the enterprises in scope."""
    from django.db.models import F, Q

    from anying.hazards.models import Hazard
    from anying.oversight.models import Accident

    graded = Enterprise.objects.visible_to(user).filter(std_status=Enterprise.StdStatus.CERTIFIED).exclude(std_grade="")
    rows: dict[int, dict] = {}
    hazards = (Hazard.objects.filter(enterprise__in=graded, level=Hazard.Level.MAJOR,
                                     found_on__gte=F("enterprise__std_certificate_date"))
               .values("id", "enterprise_id", "found_on", "description").order_by("enterprise_id", "-found_on"))
    accidents = (Accident.objects.filter(enterprise__in=graded)
                 .filter(Q(deaths__gt=0) | Q(serious_injuries__gt=0) | Q(minor_injuries__gt=0))
                 .filter(occurred_at__date__gte=F("enterprise__std_certificate_date"))
                 .values("id", "enterprise_id", "occurred_at", "deaths", "serious_injuries", "minor_injuries")
                 .order_by("enterprise_id", "-occurred_at"))
    for h in hazards:
        row = rows.setdefault(h["enterprise_id"], {"hazards": [], "accidents": []})
        row["hazards"].append(h)
    for a in accidents:
        row = rows.setdefault(a["enterprise_id"], {"hazards": [], "accidents": []})
        row["accidents"].append(a)
    ents = {e.pk: e for e in graded.filter(pk__in=list(rows)).select_related("region")}
    out = []
    for pk, row in rows.items():
        ent = ents.get(pk)
        if ent is None:
            continue
        action = "应撤销" if row["accidents"] else "应重新核定"
        out.append({"enterprise": ent, "action": action, **row})
    out.sort(key=lambda r: (r["action"] != "应撤销", r["enterprise"].region.path, r["enterprise"].name))
    return out
