"""Drills (演练, issue #15 point 6; SEED A5.1–A5.7): the annual drill plan of a unit, the record
of a drill held, its evaluation with weaknesses that become follow-ups and plan-revision tasks,
and the quotas (data rows, `DrillQuota`) with the lists of who is behind.

Who does what: a unit's drills are planned and recorded by its own staff with drills.edit (an
enterprise's by its own users); evaluated by drills.evaluate holders of the unit or over it.
Quotas are counted per calendar period (data/drill_quotas.csv `months`): 12 = the calendar year,
6 = the half-year (1–6月, 7–12月), 24 = this year and the last. A unit is *behind* when the drills
held in the current period are fewer than the quota asks; the period's end is its due date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from anying.core import attachments, audit, periods
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Organisation, Region
from anying.core.permissions import SYSTEM, is_enterprise_user, require
from anying.core.scope import covers, region_subtree_q
from anying.registry.models import Enterprise

from . import rules
from .models import Drill, DrillEvaluation, DrillQuota, EmergencyPlan
from .services import add_follow_up

A = AuditEvent.Action
D = Drill.Status
DRILL_FIELDS = ["name", "kind", "hazard_type", "evacuation", "plan", "year", "month", "partners", "status", "held_on",
                "place", "units", "people"]
MAX_WEAKNESSES = 30


def keeps(user, drill: Drill) -> bool:
    """The organising unit's own staff with drills.edit."""
    return user is SYSTEM or (user.unit_id == drill.owner_id and user.has_perm_code("drills.edit"))


def evaluates(user, drill: Drill) -> bool:
    """drills.evaluate in the organising unit or over it (an enterprise evaluates its own)."""
    if user is SYSTEM:
        return True
    if not user.has_perm_code("drills.evaluate"):
        return False
    if user.unit_id == drill.owner_id:
        return True
    return not is_enterprise_user(user) and covers(user, drill.region, drill.industry if drill.enterprise_id else None)


def _place(drill: Drill) -> None:
    owner = Organisation.objects.select_related("region").get(pk=drill.owner_id)
    if owner.kind == Organisation.Kind.ENTERPRISE:
        e = owner.enterprise
        drill.enterprise, drill.region_id, drill.industry_id = e, e.region_id, e.industry_id
    elif owner.is_government:
        drill.enterprise, drill.region_id, drill.industry_id = None, owner.region_id, None
    else:
        raise ValidationError({"owner": "组织单位应为政府单位或企业"})


def _check(actor, drill: Drill) -> None:
    if not 2000 <= (drill.year or 0) <= 2100:
        raise ValidationError({"year": "年度应在 2000～2100 之间"})
    if not 1 <= (drill.month or 0) <= 12:
        raise ValidationError({"month": "月份应在 1～12 之间"})
    drill.due_on = periods.end("monthly", dt.date(drill.year, drill.month, 1))
    if drill.plan_id is not None:
        plans = EmergencyPlan.objects.all() if actor is SYSTEM else EmergencyPlan.objects.visible_to(actor)
        if not plans.filter(pk=drill.plan_id).exists():
            raise ValidationError({"plan": "检验的预案不存在或不可见"})
    if drill.held_on is not None:
        if drill.held_on > timezone.localdate():
            raise ValidationError({"held_on": "演练日期不能晚于今天"})
        if drill.held_on.year < 2000:
            raise ValidationError({"held_on": "演练日期不能早于2000年"})


@transaction.atomic
def save_drill(actor, drill: Drill) -> Drill:
    """Plan a drill for the actor's own unit, or change one (not once evaluated)."""
    require(actor, "drills.edit", "您无权编制演练计划")
    created = drill.pk is None
    before = None
    if created:
        if actor is not SYSTEM and drill.owner_id != actor.unit_id:
            raise PermissionDenied("只能为本单位编制演练计划")
        drill.created_by = None if actor is SYSTEM else actor
        if drill.held_on is None:
            drill.status = D.PLANNED
    else:
        current = Drill.objects.select_for_update().get(pk=drill.pk)
        if not keeps(actor, current):
            raise PermissionDenied("只有组织单位可以修改演练")
        if drill.version != current.version:
            raise ValidationError("该演练已被他人修改，请刷新后重试")
        if DrillEvaluation.objects.filter(drill=current).exists():
            raise ValidationError("演练已评估，不能再修改")
        if drill.owner_id != current.owner_id:
            raise ValidationError({"owner": "组织单位不能更改"})
        before = audit.snapshot(current, DRILL_FIELDS)
        drill.version = current.version + 1
        drill.status = current.status
    _place(drill)
    _check(actor, drill)
    if drill.status == D.DONE and drill.held_on is None:
        raise ValidationError({"held_on": "已开展的演练请填写演练日期"})
    drill.full_clean(exclude=["owner", "plan", "hazard_type", "created_by", "enterprise", "region", "industry"])
    drill.save()
    audit.record(actor, A.CREATE if created else A.UPDATE, drill,
                 summary=f"{'编制' if created else '修改'}演练：{drill}（{drill.planned_label}）", before=before,
                 after=audit.snapshot(drill, DRILL_FIELDS))
    return drill


@transaction.atomic
def record(actor, drill_id: int, *, held_on: dt.date, place: str, units: str, people: int | None, text: str,
           photos=()) -> Drill:
    """The drill was held (A5.2): date, place, units, people, what happened, photos."""
    drill = Drill.objects.select_for_update().get(pk=drill_id)
    if not keeps(actor, drill):
        raise PermissionDenied("只有组织单位可以登记演练情况")
    if drill.status == D.CANCELLED:
        raise ValidationError("演练已取消")
    if DrillEvaluation.objects.filter(drill=drill).exists():
        raise ValidationError("演练已评估，不能再修改")
    before = audit.snapshot(drill, DRILL_FIELDS)
    drill.held_on, drill.place, drill.units, drill.people, drill.record = held_on, place.strip(), units.strip(), \
        people, (text or "").strip()
    if not drill.place:
        raise ValidationError({"place": "请填写演练地点"})
    _check(actor, drill)
    drill.status = D.DONE
    drill.version += 1
    drill.full_clean(exclude=["owner", "plan", "hazard_type", "created_by", "enterprise", "region", "industry"])
    drill.save()
    for upload in photos:
        attachments.attach(actor, drill, upload)
    audit.record(actor, A.UPDATE, drill, summary=f"登记演练情况：{drill}（{drill.held_on}，{drill.people or 0} 人）",
                 before=before, after=audit.snapshot(drill, DRILL_FIELDS))
    return drill


@transaction.atomic
def cancel(actor, drill_id: int, reason: str) -> Drill:
    drill = Drill.objects.select_for_update().get(pk=drill_id)
    if not keeps(actor, drill):
        raise PermissionDenied("只有组织单位可以取消演练")
    if drill.status != D.PLANNED:
        raise ValidationError("只有计划中的演练可以取消")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写取消原因"})
    drill.status, drill.record = D.CANCELLED, f"【取消】{reason[:500]}"
    drill.version += 1
    drill.save()
    audit.record(actor, A.UPDATE, drill, summary=f"取消演练：{drill}（{reason[:80]}）")
    return drill


@transaction.atomic
def add_photo(actor, drill_id: int, upload):
    drill = Drill.objects.select_for_update().get(pk=drill_id)
    if not keeps(actor, drill):
        raise PermissionDenied("只有组织单位可以上传演练照片")
    return attachments.attach(actor, drill, upload)


@dataclass
class Weakness:
    text: str
    unit: Organisation
    due: dt.date
    revise: bool = False


@transaction.atomic
def evaluate(actor, drill_id: int, evaluation: DrillEvaluation, weaknesses: list[Weakness]) -> DrillEvaluation:
    """The evaluation (A5.3): a score 0–100; each weakness a follow-up for its unit, and one marked
    需修订预案 also a revision task on the plan the drill exercised (A4.8)."""
    require(actor, "drills.evaluate", "您无权评估演练")
    drill = (Drill.objects.select_for_update(of=("self",)).select_related("plan__owner__region", "region")
             .get(pk=drill_id))
    if not evaluates(actor, drill):
        raise PermissionDenied("只有组织单位或其上级可以评估演练")
    if drill.status != D.DONE:
        raise ValidationError("演练开展后才能评估")
    if DrillEvaluation.objects.filter(drill=drill).exists():
        raise ValidationError("该演练已评估")
    if len(weaknesses) > MAX_WEAKNESSES:
        raise ValidationError({"weaknesses": f"一次最多登记 {MAX_WEAKNESSES} 个问题"})
    if any(w.revise for w in weaknesses) and drill.plan is None:
        raise ValidationError({"weaknesses": "该演练未关联预案，不能布置预案修订任务"})
    evaluation.drill = drill
    if isinstance(evaluation.evaluated_on, dt.date) and drill.held_on and evaluation.evaluated_on < drill.held_on:
        raise ValidationError({"evaluated_on": "评估日期不能早于演练日期"})
    if isinstance(evaluation.evaluated_on, dt.date) and evaluation.evaluated_on > timezone.localdate():
        raise ValidationError({"evaluated_on": "评估日期不能晚于今天"})
    evaluation.created_by = None if actor is SYSTEM else actor
    evaluation.full_clean(exclude=["drill", "created_by"])
    evaluation.save()
    for n, w in enumerate(weaknesses, start=1):
        try:
            add_follow_up(actor, evaluation, w.text, w.unit, w.due)
            if w.revise:
                add_follow_up(actor, evaluation, f"演练发现问题，修订《{drill.plan.name}》：{w.text}"[:1000],
                              drill.plan.owner, w.due, plan=drill.plan)
        except ValidationError as exc:
            raise ValidationError({"weaknesses": f"第{n}个问题：{'；'.join(exc.messages)}"}) from None
        except PermissionDenied as exc:
            raise PermissionDenied(f"第{n}个问题：{exc.message}") from None
    Drill.objects.filter(pk=drill.pk).update(version=drill.version + 1)
    audit.record(actor, A.CREATE, drill, summary=f"演练评估：{evaluation.score} 分，问题 {len(weaknesses)} 个")
    return evaluation


# --- quotas and who is behind (A5.4, A5.5) -----------------------------------------------------

def window(months: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """The current period of a quota: the half-year, the calendar year, or this year and the last."""
    if months == 6:
        first = dt.date(today.year, 1 if today.month <= 6 else 7, 1)
        return first, dt.date(today.year, 6, 30) if first.month == 1 else dt.date(today.year, 12, 31)
    if months == 24:
        return dt.date(today.year - 1, 1, 1), dt.date(today.year, 12, 31)
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)


def counts_q(quota: DrillQuota, today: dt.date, prefix: str = "") -> Q:
    """Drills that count toward a quota in its current period: held, of its kind, hazard, category."""
    first, last = window(quota.months, today)
    q = Q(**{f"{prefix}status": D.DONE, f"{prefix}held_on__range": (first, last)})
    if quota.drill_kind:
        q &= Q(**{f"{prefix}kind": quota.drill_kind})
    if quota.hazard_type_id:
        q &= Q(**{f"{prefix}hazard_type_id": quota.hazard_type_id})
    if quota.hazard_category:
        q &= Q(**{f"{prefix}hazard_type__category": quota.hazard_category})
    if quota.evacuation:
        q &= Q(**{f"{prefix}evacuation": True})
    return q


@dataclass
class TownQuota:
    town: Region
    quota: DrillQuota
    done: int
    due: dt.date

    @property
    def behind(self) -> bool:
        return self.done < self.quota.count


def visible_towns(user):
    """The towns a government user answers for (their territory); none for an enterprise."""
    if user is not SYSTEM and is_enterprise_user(user):
        return Region.objects.none()
    return Region.objects.filter(region_subtree_q(user, ""), level=Region.Level.TOWN).order_by("sort", "code", "pk")


def town_quotas(user, today: dt.date | None = None) -> list[TownQuota]:
    """Each town against each town quota this period; one count query per quota."""
    today = today or timezone.localdate()
    towns = list(visible_towns(user))
    out = []
    for quota in DrillQuota.objects.filter(active=True, applies_to=DrillQuota.AppliesTo.TOWN).select_related(
            "hazard_type"):
        done = dict(Drill.objects.filter(counts_q(quota, today), enterprise__isnull=True, region__in=towns,
                                         owner__kind=Organisation.Kind.TOWN_OFFICE)
                    .values("region_id").annotate(n=Count("pk")).values_list("region_id", "n"))
        due = window(quota.months, today)[1]
        out += [TownQuota(t, quota, done.get(t.pk, 0), due) for t in towns]
    return out


def enterprise_quota(enterprise: Enterprise) -> DrillQuota | None:
    kind = DrillQuota.AppliesTo.HIGH_RISK if rules.is_high_risk(enterprise) else DrillQuota.AppliesTo.ENTERPRISE
    return DrillQuota.objects.filter(active=True, applies_to=kind).first()


def enterprises_behind(user, today: dt.date | None = None):
    """Operating enterprises in the user's scope with fewer evacuation drills this period than
    their quota (high-risk industries: every half-year; the others: every year), annotated with
    `drills_done`, `drills_needed`, `quota_code` and `work_due` (the period's end). A queryset, for
    paging, the export and the 待办; one count subquery per quota."""
    today = today or timezone.localdate()
    quotas = list(DrillQuota.objects.filter(active=True, applies_to__in=[
        DrillQuota.AppliesTo.ENTERPRISE, DrillQuota.AppliesTo.HIGH_RISK]))
    base = Enterprise.objects.visible_to(user).filter(status=Enterprise.Status.OPERATING)
    if not quotas:
        return base.none().annotate(drills_done=Value(0), drills_needed=Value(0), quota_code=Value(""),
                                    work_due=Value(today, output_field=DateField()))
    high = Enterprise.objects.filter(rules.high_risk_q()).values("pk")
    parts = [(Q(pk__in=high) if q.applies_to == DrillQuota.AppliesTo.HIGH_RISK else ~Q(pk__in=high), q) for q in quotas]

    def held(q):
        return Coalesce(Subquery(Drill.objects.filter(counts_q(q, today), enterprise=OuterRef("pk")).order_by()
                                 .values("enterprise").annotate(c=Count("pk")).values("c")[:1]), 0)

    done = Case(*(When(in_set, then=held(q)) for in_set, q in parts), default=Value(0), output_field=IntegerField())
    need = Case(*(When(in_set, then=Value(q.count)) for in_set, q in parts), default=Value(0),
                output_field=IntegerField())
    code = Case(*(When(in_set, then=Value(q.code)) for in_set, q in parts), default=Value(""),
                output_field=CharField())
    due = Case(*(When(in_set, then=Value(window(q.months, today)[1])) for in_set, q in parts),
               default=Value(today), output_field=DateField())
    return (base.annotate(drills_done=done, drills_needed=need, quota_code=code, work_due=due)
            .filter(drills_done__lt=F("drills_needed")).select_related("region").order_by("work_due", "name", "pk"))
