"""年度执法计划: generated from the registry by the frequency rules, months spread evenly,
edited while a draft, approved, and followed month by month.

Generation reads each enterprise's last inspection and the interval of the rules that apply to
it; an enterprise is in the plan when its next inspection falls due by the end of the year, no
earlier than the month it falls due. Months are then assigned most-constrained first, each to the
least-loaded month it may take, so the monthly load is as even as the due dates allow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, recipients, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM, require
from anying.core.scope import unit_scope_q
from anying.core.workflow import Lifecycle, Transition
from anying.registry.models import Enterprise

from .models import FrequencyRule, Inspection, InspectionPlan, PlanItem

MONTHS = range(1, 13)


@dataclass(frozen=True)
class Due:
    enterprise_id: int
    region_id: int
    rule_id: int
    last: dt.date | None
    earliest_month: int


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last_day = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31,
                30, 31][month - 1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def rule_for(rules: list[FrequencyRule], grade: str, certified: bool, tagged: bool) -> FrequencyRule | None:
    """The applicable rule with the shortest interval (rules come sorted by months)."""
    for rule in rules:
        if rule.risk_tagged and not tagged:
            continue
        if rule.std_grade == "none" and certified and grade:
            continue
        if rule.std_grade in ("1", "2", "3") and not (certified and grade == rule.std_grade):
            continue
        return rule
    return None


def due_enterprises(unit, year: int) -> list[Due]:
    """Every operating enterprise the unit supervises that must be inspected in `year`."""
    rules = list(FrequencyRule.objects.order_by("months", "code"))
    last = Inspection.objects.filter(enterprise=OuterRef("pk")).order_by().values("enterprise")
    rows = (Enterprise.objects.filter(unit_scope_q(unit), status=Enterprise.Status.OPERATING)
            .annotate(tagged=Exists(Enterprise.tags.through.objects.filter(enterprise_id=OuterRef("pk"))),
                      last=last.annotate(m=Max("inspected_on")).values("m"))
            .values_list("pk", "region_id", "std_grade", "std_status", "tagged", "last"))
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    out = []
    for pk, region_id, grade, std_status, tagged, last_on in rows.iterator(chunk_size=5000):
        rule = rule_for(rules, grade, std_status == Enterprise.StdStatus.CERTIFIED, tagged)
        if rule is None:
            continue
        next_due = add_months(last_on, rule.months) if last_on else start
        if next_due > end:
            continue
        out.append(Due(pk, region_id, rule.pk, last_on, next_due.month if next_due >= start else 1))
    return out


def spread(dues: list[Due]) -> dict[int, int]:
    """enterprise id → month: the most constrained (latest earliest month) first, each to the
    least-loaded month it may take; ties go to the earlier month."""
    load = dict.fromkeys(MONTHS, 0)
    months = {}
    for due in sorted(dues, key=lambda d: (-d.earliest_month, d.enterprise_id)):
        month = min(range(due.earliest_month, 13), key=lambda m: (load[m], m))
        load[month] += 1
        months[due.enterprise_id] = month
    return months


def _check_unit(actor, unit) -> None:
    require(actor, "inspections.plan", "无权编制执法计划")
    if actor is not SYSTEM and actor.unit_id != unit.pk:
        raise PermissionDenied("只能编制本单位的执法计划")


@transaction.atomic
def generate(actor, unit, year: int) -> InspectionPlan:
    """Create the unit's plan for `year`, or regenerate a draft (items added by hand stay)."""
    _check_unit(actor, unit)
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise ValidationError({"year": "年度无效"})
    plan, created = InspectionPlan.objects.select_for_update().get_or_create(
        unit=unit, year=year, defaults={"created_by": actor})
    if plan.status != InspectionPlan.Status.DRAFT:
        raise ValidationError("计划已批准，不能重新生成")
    kept = set(plan.items.filter(added_by_hand=True).values_list("enterprise_id", flat=True))
    plan.items.filter(added_by_hand=False).delete()
    dues = [d for d in due_enterprises(unit, year) if d.enterprise_id not in kept]
    months = spread(dues)
    PlanItem.objects.bulk_create([
        PlanItem(plan=plan, enterprise_id=d.enterprise_id, region_id=d.region_id, month=months[d.enterprise_id],
                 earliest_month=d.earliest_month, rule_id=d.rule_id, last_inspected=d.last) for d in dues],
        batch_size=5000)
    plan.generated_at = timezone.now()
    plan.save(update_fields=["generated_at"])
    audit.record(actor, AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE, plan,
                 summary=f"按检查频次生成：{len(dues)} 家企业")
    return plan


def _draft(actor, plan_id: int) -> InspectionPlan:
    plan = InspectionPlan.objects.select_for_update().select_related("unit").get(pk=plan_id)
    _check_unit(actor, plan.unit)
    if plan.status != InspectionPlan.Status.DRAFT:
        raise ValidationError("计划已批准，不能修改")
    return plan


@transaction.atomic
def move(actor, plan_id: int, enterprise_id: int, month: int) -> PlanItem:
    plan = _draft(actor, plan_id)
    if month not in MONTHS:
        raise ValidationError({"month": "月份应为 1–12"})
    item = plan.items.filter(enterprise_id=enterprise_id).first()
    if item is None:
        raise PlanItem.DoesNotExist
    before = item.month
    item.month = month
    item.save(update_fields=["month"])
    audit.record(actor, AuditEvent.Action.UPDATE, plan, summary=f"{item.enterprise} 由 {before} 月调整到 {month} 月")
    return item


@transaction.atomic
def add(actor, plan_id: int, enterprise_id: int, month: int) -> PlanItem:
    plan = _draft(actor, plan_id)
    enterprise = Enterprise.objects.filter(unit_scope_q(plan.unit), pk=enterprise_id).first()
    if enterprise is None:
        raise ValidationError("该企业不在本单位的监管范围内")
    if month not in MONTHS:
        raise ValidationError({"month": "月份应为 1–12"})
    if plan.items.filter(enterprise=enterprise).exists():
        raise ValidationError(f"{enterprise.name} 已在计划中")
    item = PlanItem.objects.create(plan=plan, enterprise=enterprise, region_id=enterprise.region_id, month=month,
                                   added_by_hand=True)
    audit.record(actor, AuditEvent.Action.UPDATE, plan, summary=f"增加 {enterprise.name}（{month} 月）")
    return item


@transaction.atomic
def remove(actor, plan_id: int, enterprise_id: int) -> None:
    plan = _draft(actor, plan_id)
    item = plan.items.select_related("enterprise").filter(enterprise_id=enterprise_id).first()
    if item is None:
        raise PlanItem.DoesNotExist
    item.delete()
    audit.record(actor, AuditEvent.Action.UPDATE, plan, summary=f"移出 {item.enterprise.name}")


def _approving(step) -> None:
    """批准: a plan with nobody to inspect is not a plan yet."""
    if not step.record.items.exists():
        raise ValidationError("计划没有检查对象，请先生成")
    step.record.approved_at = timezone.now()


APPROVER = f"{workflow.PERM}inspections.approve"  # a leader whose territory holds the plan's unit
_S = InspectionPlan.Status
LIFECYCLE = workflow.register(Lifecycle(
    model=InspectionPlan, label="年度执法计划", transitions=[
        Transition("approve", "批准", (_S.DRAFT,), _S.APPROVED, frozenset({APPROVER}), stamp=("approved_by",),
                   apply=_approving, notify=("unit",)),
    ],
    # the unit drafted it and now works to it
    recipients={"unit": lambda p: recipients.members([p.unit_id])},
    audited=["status", "approved_by", "approved_at"],
    # items are edited outside the table (move/add/remove), so there is no version to compare
    version_field=None,
    scoped=lambda user: visible_plans(user),
    url=lambda p: reverse("plan_detail", args=[p.pk])))


def approve(actor, plan_id: int) -> InspectionPlan:
    return workflow.run(LIFECYCLE, actor, plan_id, "approve")


def visible_plans(user):
    """Plans of units within the user's territory (a unit's plan is its own business and its
    superiors': core.scope.unit_q)."""
    return InspectionPlan.objects.visible_to(user).select_related("unit__region")


def with_item_counts(user, plans_):
    """Each plan's number of items the user may see (`total`), as on its page."""
    return plans_.annotate(total=Count("items", filter=Q(items__in=PlanItem.objects.visible_to(user).values("pk"))))


def visible_items(user, plan: InspectionPlan):
    """The plan's items the user may see: a department only those in its industries."""
    return PlanItem.objects.visible_to(user).filter(plan=plan)


def progress(plan: InspectionPlan, items=None) -> list[dict]:
    """Per month: enterprises planned and how many of them the unit has inspected this year
    (of `items`, the plan's items a reader may see; all by default)."""
    items = plan.items.all() if items is None else items
    done = set(Inspection.objects.filter(unit=plan.unit, inspected_on__year=plan.year,
                                         enterprise_id__in=items.values("enterprise_id"))
               .order_by().values_list("enterprise_id", flat=True).distinct())
    rows = {m: {"month": m, "planned": 0, "done": 0} for m in MONTHS}
    for enterprise_id, month in items.values_list("enterprise_id", "month").iterator(chunk_size=5000):
        rows[month]["planned"] += 1
        if enterprise_id in done:
            rows[month]["done"] += 1
    return list(rows.values())
