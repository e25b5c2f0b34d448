"""Demand plans, maintenance and household-kit publicity (SEED A8.7, A8.8, A8.10; the models in
models_planning.py). The only writers of those records: permission, scope and audit here.

A demand plan is drafted by a unit's keepers (supplies.keep, own unit), submitted, and reviewed
by the district (supplies.approve over the unit's territory, not the person who submitted it):
accepted, or returned with a reason to be revised and submitted again. Its comparison with stock
is computed when read — the unit's own warehouses by storage mode, and the district-wide figure
the reader may see — so it always reflects today's ledger."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateField, Exists, F, OuterRef, Sum, Value
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, recipients, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM, require
from anying.core.scope import RULES, covers
from anying.core.workflow import Lifecycle, Transition
from anying.core.workqueue import WorkItem, WorkSource

from . import services
from .models import Item, StockBalance, Warehouse
from .models_planning import DemandLine, DemandPlan, Maintenance, Publicity

A = AuditEvent.Action
S = DemandPlan.Status
MAX_LINES = 300


# --- demand plans ------------------------------------------------------------------------------

def drafts(user, plan: DemandPlan) -> bool:
    """Whether the user writes the plan: a keeper of its own unit."""
    return user is SYSTEM or (user.unit_id == plan.owner_id and user.has_perm_code("supplies.keep"))


def reviews(user, plan: DemandPlan) -> bool:
    """An approver over the unit, never of the unit itself (its plan is checked from above)."""
    return user is SYSTEM or (user.has_perm_code("supplies.approve") and user.unit_id != plan.owner_id
                              and covers(user, plan.owner.region))


def _parties(user, plan: DemandPlan) -> set[str]:
    found = set()
    if drafts(user, plan):
        found.add("owner")
    if reviews(user, plan):
        found.add("reviewer")
    return found


def _submit(step) -> None:
    plan = step.record
    if not plan.lines.exists():
        raise ValidationError("计划中还没有物资，不能报送")
    plan.submitted_at = timezone.now()


def _review(step) -> None:
    step.record.reviewed_at = timezone.now()


DEMAND_PLANS = workflow.register(Lifecycle(
    model=DemandPlan, label="物资储备需求计划",
    transitions=[
        Transition("submit", "报送", (S.DRAFT, S.RETURNED), S.SUBMITTED, frozenset({"owner"}), stamp=("submitted_by",),
                   notify=("reviewers",), apply=_submit),
        Transition("accept", "审核通过", (S.SUBMITTED,), S.ACCEPTED, frozenset({"reviewer"}), stamp=("reviewed_by",),
                   separated=("submitted_by",), notify=("owner",), apply=_review),
        Transition("return", "退回修改", (S.SUBMITTED,), S.RETURNED, frozenset({"reviewer"}), stamp=("reviewed_by",),
                   separated=("submitted_by",), needs_comment="请填写退回理由（需修改的物资和数量）",
                   notify=("owner",), apply=_review),
    ],
    parties=_parties,
    recipients={"owner": lambda p: recipients.members([p.owner_id], "supplies.keep"),
                "reviewers": lambda p: [u for u in recipients.over(p.owner.region, "supplies.approve")
                                        if u.unit_id != p.owner_id]},
    audited=("status", "submitted_at", "reviewed_at"),
    events={"create": "编制"},
    describe=str,
    url=lambda p: reverse("supplies:demand_detail", args=[p.pk]),
))


def act(actor, pk: int, name: str, *, comment: str = "", version: int | None = None) -> DemandPlan:
    return workflow.run(DEMAND_PLANS, actor, pk, name, comment=comment, version=version)


def _lines(specs) -> list[DemandLine]:
    out, seen = [], set()
    for n, spec in enumerate(specs, start=1):
        item = spec.get("item")
        if isinstance(item, int):
            item = Item.objects.filter(pk=item).first()
        if item is None:
            raise ValidationError({"lines": f"第{n}行：请选择物资"})
        if item.pk in seen:
            raise ValidationError({"lines": f"第{n}行：{item.name} 重复，请合并为一行"})
        seen.add(item.pk)
        q = services._qty(spec.get("quantity"))
        if q <= 0:
            raise ValidationError({"lines": f"第{n}行：需求数量应大于 0"})
        purpose = str(spec.get("purpose") or "").strip()
        if len(purpose) > 200:
            raise ValidationError({"lines": f"第{n}行：用途不能超过 200 字"})
        out.append(DemandLine(item=item, quantity=q, purpose=purpose))
    if not out:
        raise ValidationError({"lines": "请至少填写一种物资"})
    if len(out) > MAX_LINES:
        raise ValidationError({"lines": f"一份计划最多 {MAX_LINES} 种物资"})
    return out


@transaction.atomic
def save_plan(actor, plan: DemandPlan, lines) -> DemandPlan:
    """Create a plan, or rewrite a draft (or a returned one) with its lines."""
    require(actor, "supplies.keep", "您无权编制物资储备需求计划")
    created = plan.pk is None
    if created:
        if actor is not SYSTEM and plan.owner_id != actor.unit_id:
            raise PermissionDenied("只能为本单位编制需求计划")
        if DemandPlan.objects.filter(owner_id=plan.owner_id, year=plan.year).exists():
            raise ValidationError({"year": f"本单位{plan.year}年的需求计划已存在，请在原计划上修改"})
    else:
        current = DemandPlan.objects.select_for_update().get(pk=plan.pk)
        if not drafts(actor, current):
            raise PermissionDenied("只有编制单位可以修改需求计划")
        if not current.editable:
            raise ValidationError(f"计划{current.get_status_display()}，不能修改；退回后才可修改")
        if plan.version != current.version:
            raise ValidationError("该计划已被他人修改，请刷新后重试")
        plan.version = current.version + 1
        plan.status = current.status
    this_year = timezone.localdate().year
    if not this_year - 1 <= plan.year <= this_year + 2:
        raise ValidationError({"year": f"年度应在 {this_year - 1}～{this_year + 2} 之间"})
    new_lines = _lines(lines)
    before = None if created else {"lines": _line_text(plan)}
    if created:
        plan.created_by = None if actor is SYSTEM else actor
    plan.full_clean(exclude=["created_by", "submitted_by", "reviewed_by"])
    plan.save()
    plan.lines.all().delete()
    for line in new_lines:
        line.plan = plan
    DemandLine.objects.bulk_create(new_lines)
    audit.record(actor, A.CREATE if created else A.UPDATE, plan, summary=f"{'编制' if created else '修改'}{plan}",
                 before=before, after={"lines": _line_text(plan)})
    if created:
        workflow.record_event(plan, "create", actor=None if actor is SYSTEM else actor, state=plan.status)
    return plan


def _line_text(plan: DemandPlan) -> str:
    return "；".join(f"{li.item.name} {li.quantity:f}{li.item.uom}" for li in plan.lines.select_related("item"))[:2000]


@dataclass
class Comparison:
    item: Item
    quantity: Decimal
    purpose: str
    own: dict  # storage mode -> quantity in the unit's own warehouses
    own_total: Decimal
    visible_total: Decimal  # every warehouse the reader may see, the unit's included
    gap: Decimal  # what the unit's own stock of all modes lacks

    @property
    def rate(self) -> int:
        """满足率 (%): the unit's own stock against its need, capped at 100."""
        return min(100, int(self.own_total * 100 / self.quantity)) if self.quantity else 100


def compare(user, plan: DemandPlan) -> list[Comparison]:
    """Each line against the unit's own stock by mode and against what the reader can see."""
    lines = list(plan.lines.select_related("item"))
    ids = [li.item_id for li in lines]
    own: dict[int, dict] = defaultdict(dict)
    for item_id, mode, q in (StockBalance.objects.filter(item_id__in=ids, warehouse__owner_id=plan.owner_id,
                                                         warehouse__is_active=True)
                             .values("item_id", "warehouse__mode").annotate(q=Sum("quantity"))
                             .values_list("item_id", "warehouse__mode", "q")):
        own[item_id][mode] = q
    seen = dict(StockBalance.objects.visible_to(user).filter(item_id__in=ids, warehouse__is_active=True)
                .values("item_id").annotate(q=Sum("quantity")).values_list("item_id", "q"))
    out = []
    for li in lines:
        total = sum(own[li.item_id].values(), Decimal(0))
        out.append(Comparison(li.item, li.quantity, li.purpose, own[li.item_id], total,
                              seen.get(li.item_id, Decimal(0)), max(Decimal(0), li.quantity - total)))
    return out


def district_summary(user, year: int) -> list[dict]:
    """Per item: the total demand of the plans the reader sees (submitted or accepted), how many
    units ask for it, and the stock the reader sees across the district."""
    plans = DemandPlan.objects.visible_to(user).filter(year=year, status__in=[S.SUBMITTED, S.ACCEPTED])
    rows = (DemandLine.objects.filter(plan__in=plans).values("item_id").annotate(q=Sum("quantity"))
            .values_list("item_id", "q"))
    need = dict(rows)
    units: dict[int, int] = defaultdict(int)
    for item_id in DemandLine.objects.filter(plan__in=plans).values_list("item_id", flat=True):
        units[item_id] += 1
    stock = dict(StockBalance.objects.visible_to(user).filter(item_id__in=need, warehouse__is_active=True)
                 .values("item_id").annotate(q=Sum("quantity")).values_list("item_id", "q"))
    items = Item.objects.in_bulk(list(need))
    out = []
    for item_id, q in need.items():
        have = stock.get(item_id, Decimal(0))
        out.append({"item": items[item_id], "need": q, "units": units[item_id], "stock": have,
                    "gap": max(Decimal(0), q - have)})
    return sorted(out, key=lambda r: (-(r["gap"] > 0), r["item"].category, r["item"].code))


# --- maintenance -------------------------------------------------------------------------------

@transaction.atomic
def save_maintenance(actor, record: Maintenance) -> Maintenance:
    require(actor, "supplies.keep", "您无权登记维护保养记录")
    warehouse = Warehouse.objects.select_related("owner__region").get(pk=record.warehouse_id)
    services.require_manages(actor, warehouse)
    if record.pk is not None:
        old = Maintenance.objects.select_related("warehouse__owner__region").get(pk=record.pk)
        services.require_manages(actor, old.warehouse)
    today = timezone.localdate()
    if record.done_on and record.done_on > today:
        raise ValidationError({"done_on": "维护日期不能晚于今天"})
    if record.done_on and record.done_on < today - dt.timedelta(days=366):
        raise ValidationError({"done_on": "只能补录一年以内的维护记录"})
    if record.next_due and record.done_on and record.next_due <= record.done_on:
        raise ValidationError({"next_due": "下次维护日期应晚于本次"})
    created = record.pk is None
    if created:
        record.recorded_by = None if actor is SYSTEM else actor
    record.full_clean(exclude=["recorded_by"])
    record.save()
    audit.record(actor, A.CREATE if created else A.UPDATE, record,
                 summary=f"{'登记' if created else '修改'}维护保养：{record}",
                 after=audit.snapshot(record, ["done_on", "kind", "items", "result", "done_by", "next_due"]))
    return record


def maintenance_due(user, today: dt.date | None = None):
    """Upkeep whose 下次维护 date is within a week (or past) and not yet followed by a later record
    of the same kind at that warehouse: the keepers' 待办."""
    today = today or timezone.localdate()
    newer = Maintenance.objects.filter(warehouse_id=OuterRef("warehouse_id"), kind=OuterRef("kind"),
                                       done_on__gt=OuterRef("done_on"))
    return (Maintenance.objects.visible_to(user)
            .filter(next_due__lte=today + dt.timedelta(days=7), warehouse__owner_id=user.unit_id,
                    warehouse__is_active=True)
            .exclude(Exists(newer)).select_related("warehouse").annotate(work_due=F("next_due"))
            .order_by("next_due", "id"))


def plans_to_review(user, today=None):
    return (DemandPlan.objects.filter(RULES["unit"](user, unit="owner"), status=S.SUBMITTED)
            .exclude(submitted_by_id=user.pk).select_related("owner")
            .annotate(work_due=Value(None, output_field=DateField())).order_by("submitted_at", "id"))


SOURCES = [
    WorkSource("supplies.demand_review", "supplies", "物资", "待审核的物资储备需求计划", plans_to_review,
               lambda p: WorkItem(str(p), reverse("supplies:demand_detail", args=[p.pk]), "已报送"),
               "supplies.approve", list_url="supplies:demand_list", due_label="—", order=640),
    WorkSource("supplies.maintenance", "supplies", "物资", "到期的维护保养", maintenance_due,
               lambda m: WorkItem(f"{m.warehouse.name} · {m.get_kind_display()}",
                                  reverse("supplies:warehouse_detail", args=[m.warehouse_id]),
                                  f"上次 {m.done_on:%Y-%m-%d}：{m.items}"),
               "supplies.keep", list_url="supplies:maintenance_list", due_label="下次维护", order=650),
]


# --- publicity ---------------------------------------------------------------------------------

@transaction.atomic
def save_publicity(actor, record: Publicity) -> Publicity:
    require(actor, "supplies.keep", "您无权登记宣传活动")
    if actor is not SYSTEM:
        if record.pk is None:
            record.owner_id = actor.unit_id
        elif not Publicity.objects.filter(pk=record.pk, owner_id=actor.unit_id).exists():
            raise PermissionDenied("只能修改本单位登记的宣传活动")
        if not covers(actor, record.region):
            raise ValidationError({"region": "开展地点不在您管理的区划范围内"})
    if record.held_on and record.held_on > timezone.localdate():
        raise ValidationError({"held_on": "开展日期不能晚于今天"})
    created = record.pk is None
    if created:
        record.recorded_by = None if actor is SYSTEM else actor
    record.full_clean(exclude=["recorded_by"])
    record.save()
    audit.record(actor, A.CREATE if created else A.UPDATE, record,
                 summary=f"{'登记' if created else '修改'}家庭应急物资储备宣传：{record}（覆盖 {record.households} 户）",
                 after=audit.snapshot(record, ["held_on", "form", "title", "households", "kits"]))
    return record


def publicity_by_town(user, year: int) -> list[dict]:
    """Per town (the region's 镇街 level): events, households reached and kits handed out in a year."""
    rows: dict[int, dict] = {}
    qs = Publicity.objects.visible_to(user).filter(held_on__year=year).select_related("region__parent")
    for p in qs:
        town = p.region if p.region.level in ("town", "district") or p.region.parent is None else p.region.parent
        row = rows.setdefault(town.pk, {"town": town, "events": 0, "households": 0, "kits": 0})
        row["events"] += 1
        row["households"] += p.households
        row["kits"] += p.kits
    return sorted(rows.values(), key=lambda r: r["town"].code)


__all__ = ["DEMAND_PLANS", "act", "compare", "district_summary", "publicity_by_town", "save_maintenance",
           "save_plan", "save_publicity"]
