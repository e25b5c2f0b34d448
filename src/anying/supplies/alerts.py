"""Alerts of the supplies ledger: expiry through the clock (data/expiry_clock.csv, one reminder per
rung and expiry date), and 储备基数 and 待办 through the work queue (core/workqueue.py). Stock below
the minimum is a state, not a date, so it is a standing 待办 of the keepers (and a flag on every
page) rather than a rung: it disappears when a receipt brings the stock back."""

from __future__ import annotations

from pathlib import Path

from django.db.models import DateField, Exists, F, OuterRef, Q, Value
from django.urls import reverse

from anying.core import clock, recipients
from anying.core.clock import Clock
from anying.core.scope import RULES
from anying.core.workqueue import WorkItem, WorkSource

from .models import Lot, MinimumStock, StockBalance, Transfer

DATA = Path(__file__).resolve().parent / "data"


def _keepers(lots) -> dict:
    owners = {lot.pk: lot.warehouse.owner_id for lot in lots}
    people = {}
    for user in recipients.members(set(owners.values()), "supplies.keep"):
        people.setdefault(user.unit_id, []).append(user)
    return {pk: people.get(owner, []) for pk, owner in owners.items()}


EXPIRY = clock.register(Clock(
    name="supplies_expiry", label="应急物资有效期提醒", model=Lot, due="expiry_date", open=Q(quantity__gt=0),
    defaults=DATA / "expiry_clock.csv", region="warehouse__place__region", cycles=True,
    fields=("batch", "quantity", "warehouse__name", "warehouse__owner_id", "item__name", "item__uom"),
    related=("warehouse", "item"), recipients=_keepers, event="remind",
    describe=lambda lot: f"{lot.warehouse.name} {lot.item.name}（批次 {lot.batch or '无'}，结存 {lot.quantity:f}"
                         f"{lot.item.uom}）有效期至 {lot.expiry_date:%Y年%m月%d日}",
    object_repr=lambda lot: f"{lot.item.name} {lot.batch}",
    url=lambda lot: reverse("supplies:warehouse_detail", args=[lot.warehouse_id])))


def below_minimum(user, today):
    short = MinimumStock.objects.filter(warehouse_id=OuterRef("warehouse_id"), item_id=OuterRef("item_id"),
                                        quantity__gt=OuterRef("quantity"))
    return (StockBalance.objects.visible_to(user).filter(Exists(short), warehouse__owner_id=user.unit_id)
            .select_related("warehouse", "item").annotate(work_due=Value(None, output_field=DateField()))
            .order_by("warehouse_id", "item_id"))


def missing_minimum(user, today):
    """储备基数 of items the warehouse holds none of at all (no balance row yet)."""
    held = StockBalance.objects.filter(warehouse_id=OuterRef("warehouse_id"), item_id=OuterRef("item_id"))
    return (MinimumStock.objects.visible_to(user).filter(~Exists(held), warehouse__owner_id=user.unit_id)
            .select_related("warehouse", "item").annotate(work_due=Value(None, output_field=DateField()))
            .order_by("warehouse_id", "item_id"))


def expiring(user, today):
    import datetime as dt

    return (Lot.objects.visible_to(user).filter(warehouse__owner_id=user.unit_id, quantity__gt=0,
                                                 expiry_date__lte=today + dt.timedelta(days=60))
            .select_related("warehouse", "item").annotate(work_due=F("expiry_date")).order_by("expiry_date", "id"))


def _approvable(user, today):
    """Requests out of a warehouse whose owner is in the approver's territory (unit_q's rule)."""
    return (Transfer.objects.filter(RULES["unit"](user, unit="from_warehouse__owner"), status=Transfer.Status.REQUESTED)
            .select_related("from_warehouse", "to_warehouse")
            .annotate(work_due=Value(None, output_field=DateField())).order_by("requested_at", "id"))


def _to_handle(user, today):
    S = Transfer.Status
    return (Transfer.objects.visible_to(user)
            .filter(Q(status=S.APPROVED, from_warehouse__owner_id=user.unit_id)
                    | Q(status=S.DISPATCHED, to_warehouse__owner_id=user.unit_id))
            .select_related("from_warehouse", "to_warehouse")
            .annotate(work_due=Value(None, output_field=DateField())).order_by("requested_at"))


def _balance_row(b) -> WorkItem:
    return WorkItem(f"{b.warehouse.name} · {b.item.name}", reverse("supplies:warehouse_detail", args=[b.warehouse_id]),
                    f"结存 {b.quantity:f}{b.item.uom}，低于储备基数")


def _minimum_row(m) -> WorkItem:
    return WorkItem(f"{m.warehouse.name} · {m.item.name}", reverse("supplies:warehouse_detail", args=[m.warehouse_id]),
                    f"无库存，储备基数 {m.quantity:f}{m.item.uom}")


def _lot_row(lot) -> WorkItem:
    return WorkItem(f"{lot.warehouse.name} · {lot.item.name} · 批次 {lot.batch or '无'}",
                    reverse("supplies:warehouse_detail", args=[lot.warehouse_id]),
                    f"结存 {lot.quantity:f}{lot.item.uom}")


def _transfer_row(t) -> WorkItem:
    return WorkItem(f"{t.number} {t.from_warehouse.name} → {t.to_warehouse.name}",
                    reverse("supplies:transfer_detail", args=[t.pk]), t.get_status_display())


SOURCES = [
    WorkSource("supplies.approve", "supplies", "物资", "待审批的物资调拨", _approvable, _transfer_row, "supplies.approve",
               list_url="supplies:transfer_list", due_label="—", order=600),
    WorkSource("supplies.transfer", "supplies", "物资", "待发运/待接收的调拨", _to_handle, _transfer_row, "supplies.keep",
               list_url="supplies:transfer_list", due_label="—", order=610),
    WorkSource("supplies.expiring", "supplies", "物资", "临期和过期的物资", expiring, _lot_row, "supplies.keep",
               list_url="supplies:warehouse_list", due_label="有效期至", order=620),
    WorkSource("supplies.below_minimum", "supplies", "物资", "低于储备基数的物资", below_minimum, _balance_row,
               "supplies.keep", list_url="supplies:warehouse_list", due_label="—", order=630),
]
