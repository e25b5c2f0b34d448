"""Writes of 救灾捐赠: a donation received (money or goods), counted and numbered (收据编号, from
core.numbering), and its allocations to towns and households. Goods go into the warehouse ledger
on an 入库单 (reason 捐赠入库) and leave it on an 出库单: both drafted here and posted by the
warehouse's keepers (supplies' rule: only the keepers post), as incidents/response.py does."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse

from anying.core import audit, numbering, recipients
from anying.core.models import AuditEvent, Region
from anying.core.notifications import notify
from anying.core.permissions import SYSTEM, require
from anying.supplies import services as supplies
from anying.supplies.models import Item, Reason, StockDocument, Warehouse

from .models import Allocation, Donation, DonationLine
from .services import _money, _text, today

A = AuditEvent.Action
MAX_DONATION = Decimal("1000000000")
DONATION_FIELDS = ["number", "received_on", "donor", "donor_kind", "anonymous", "form", "amount", "intent",
                   "directed_town", "directed_note", "warehouse", "goods_value", "note"]


def _qty(value, field: str, errors: dict) -> Decimal | None:
    try:
        q = Decimal(str(value)).quantize(Decimal("0.001"))
        if not q.is_finite() or not Decimal(0) < q < Decimal("1e10"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors[field] = "数量须大于0"
        return None
    return q


def _draft_for(actor, doc: StockDocument) -> None:
    """A draft made by the system for a clerk who does not keep the warehouse carries the clerk's name."""
    if actor is not SYSTEM:
        StockDocument.objects.filter(pk=doc.pk).update(created_by=actor)


def _tell_keepers(warehouse: Warehouse, doc: StockDocument, title: str, body: str) -> None:
    notify(recipients.members([warehouse.owner_id], "supplies.keep"), title, body,
           reverse("supplies:document_detail", args=[doc.pk]))


@transaction.atomic
def record_donation(actor, data: dict, lines: list[dict] | None = None) -> Donation:
    """A donation received by the actor's unit: money (amount) or goods (lines of catalogue items
    with quantities, into a warehouse the actor may use)."""
    require(actor, "relief.donations")
    errors: dict = {}
    unit = data.get("unit") or (None if actor is SYSTEM else actor.unit)
    if unit is None:
        raise ValidationError({"unit": "请指定接收单位"})
    donor = _text(data, "donor", 100)
    if not donor:
        errors["donor"] = "请填写捐赠人（单位或个人名称）"
    kind = data.get("donor_kind") or Donation.DonorKind.COMPANY
    if kind not in Donation.DonorKind.values:
        errors["donor_kind"] = "请选择捐赠人类型"
    form = data.get("form")
    if form not in Donation.Form.values:
        errors["form"] = "请选择捐赠形式（资金或物资）"
    received = data.get("received_on") or today()
    if not isinstance(received, dt.date) or received > today():
        errors["received_on"] = "接收日期不能晚于今天"
    intent = data.get("intent") or Donation.Intent.OPEN
    if intent not in Donation.Intent.values:
        errors["intent"] = "请选择捐赠意向"
    town = data.get("directed_town")
    if intent == Donation.Intent.DIRECTED:
        if not isinstance(town, Region) or town.level != Region.Level.TOWN:
            errors["directed_town"] = "定向捐赠请选择定向的镇街"
        elif not town.path.startswith(unit.region.path):
            errors["directed_town"] = "定向镇街不在接收单位的辖区内"
    else:
        town = None
    amount, warehouse, made = Decimal(0), None, []
    if form == Donation.Form.MONEY:
        amount = _money(data.get("amount"), "amount", errors, limit=MAX_DONATION) or Decimal(0)
    elif form == Donation.Form.GOODS:
        scope = Warehouse.objects.all() if actor is SYSTEM else Warehouse.objects.visible_to(actor)
        warehouse = scope.filter(pk=getattr(data.get("warehouse"), "pk", data.get("warehouse")), is_active=True).first()
        if warehouse is None:
            errors["warehouse"] = "请选择入库仓库"
        for n, spec in enumerate(lines or [], start=1):
            item = spec.get("item")
            item = item if isinstance(item, Item) else Item.objects.filter(pk=item, is_active=True).first()
            if item is None:
                errors["lines"] = f"第{n}行：请选择物资"
                continue
            q = _qty(spec.get("quantity"), "lines", errors)
            if q is not None:
                made.append((item, q))
        if not made and "lines" not in errors:
            errors["lines"] = "请至少填写一种捐赠物资和数量"
        value = data.get("goods_value")
        goods_value = Decimal(0)
        if value not in (None, "", 0):
            goods_value = _money(value, "goods_value", errors, limit=MAX_DONATION) or Decimal(0)
    if errors:
        raise ValidationError(errors)
    prefix = numbering.prefix_for(unit, "relief_donation", "捐收", f"{unit.name}捐收")
    donation = Donation.objects.create(
        number=numbering.next_number(prefix, received.year), unit=unit, region=unit.region, received_on=received,
        donor=donor, donor_kind=kind, anonymous=bool(data.get("anonymous")), form=form, amount=amount, intent=intent,
        directed_town=town, directed_note=_text(data, "directed_note", 200), warehouse=warehouse,
        goods_value=goods_value if form == Donation.Form.GOODS else Decimal(0), note=_text(data, "note", 300),
        created_by=None if actor is SYSTEM else actor)
    if made:
        DonationLine.objects.bulk_create([DonationLine(donation=donation, item=i, quantity=q) for i, q in made])
        doc = supplies.create_document(
            SYSTEM, kind=StockDocument.Kind.RECEIPT, warehouse=warehouse, reason=Reason.DONATION,
            lines=[{"item": i, "quantity": q, "owner": donation.donor_shown} for i, q in made],
            counterparty=donation.donor_shown[:200], note=f"救灾捐赠 {donation.number}")
        _draft_for(actor, doc)
        donation.document = doc
        donation.save(update_fields=["document"])
        _tell_keepers(warehouse, doc, f"捐赠物资入库：{donation.number}", f"{donation.donor_shown}捐赠物资，请清点后记账入库单")
    audit.record(actor, A.CREATE, donation, after=audit.snapshot(donation, DONATION_FIELDS),
                 summary=f"接收捐赠 {donation.number}：{donation.donor_shown} "
                         f"{f'{amount} 元' if form == Donation.Form.MONEY else '、'.join(f'{i.name}{supplies.fmt(q)}{i.uom}' for i, q in made)}")
    return donation


def money_left(donation: Donation) -> Decimal:
    used = donation.allocations.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return donation.amount - used


def goods_left(donation: Donation) -> dict[int, Decimal]:
    """{item id: quantity not yet allocated}."""
    received = {line.item_id: line.quantity for line in donation.lines.all()}
    for row in donation.allocations.values("item_id").annotate(q=Sum("quantity")):
        if row["item_id"] in received:
            received[row["item_id"]] -= row["q"]
    return received


@transaction.atomic
def allocate(actor, donation_id: int, data: dict) -> Allocation:
    """Allocate part of a donation to a town (and a household there): money, or goods leaving the
    warehouse on an 出库单 draft for its keepers. A directed donation goes only where it was meant."""
    require(actor, "relief.donations")
    scope = Donation.objects.all() if actor is SYSTEM else Donation.objects.visible_to(actor)
    donation = scope.select_for_update(of=("self",)).select_related("warehouse", "document").get(pk=donation_id)
    errors: dict = {}
    town = data.get("town")
    if not isinstance(town, Region) or town.level != Region.Level.TOWN or not town.path.startswith(donation.region.path):
        errors["town"] = "请选择接收单位辖区内的镇街"
    elif donation.directed_town_id and town.pk != donation.directed_town_id:
        errors["town"] = f"定向捐赠只能分配给{donation.directed_town.name}"
    purpose = _text(data, "purpose", 200)
    if not purpose:
        errors["purpose"] = "请填写用途"
    on = data.get("allocated_on") or today()
    if not isinstance(on, dt.date) or on > today() or on < donation.received_on:
        errors["allocated_on"] = "分配日期须在接收之后、不晚于今天"
    amount, item, quantity = Decimal(0), None, Decimal(0)
    if donation.form == Donation.Form.MONEY:
        amount = _money(data.get("amount"), "amount", errors, limit=MAX_DONATION) or Decimal(0)
        if amount and amount > money_left(donation):
            errors["amount"] = f"超过该笔捐赠尚未分配的金额 {money_left(donation)} 元"
    else:
        if donation.document is None or donation.document.status != StockDocument.Status.POSTED:
            errors["item"] = "捐赠物资的入库单尚未记账，清点入库后才能分配"
        item = data.get("item")
        item = item if isinstance(item, Item) else Item.objects.filter(pk=item).first()
        left = goods_left(donation)
        if item is None or item.pk not in left:
            errors["item"] = errors.get("item") or "请选择该笔捐赠中的物资"
        quantity = _qty(data.get("quantity"), "quantity", errors) or Decimal(0)
        if item is not None and item.pk in left and quantity > left[item.pk]:
            errors["quantity"] = f"超过尚未分配的数量 {supplies.fmt(left[item.pk])}{item.uom}"
    if errors:
        raise ValidationError(errors)
    allocation = Allocation(donation=donation, town=town, household=_text(data, "household", 40), amount=amount,
                            item=item, quantity=quantity, purpose=purpose, allocated_on=on,
                            created_by=None if actor is SYSTEM else actor)
    if item is not None:
        doc = supplies.create_document(
            SYSTEM, kind=StockDocument.Kind.ISSUE, warehouse=donation.warehouse,
            lines=[{"item": item, "quantity": quantity}], counterparty=f"{town.name}{allocation.household}"[:200],
            note=f"救灾捐赠 {donation.number} 分配：{purpose}"[:300])
        _draft_for(actor, doc)
        allocation.document = doc
        _tell_keepers(donation.warehouse, doc, f"捐赠物资出库：{donation.number}",
                      f"分配给{town.name}{item.name}{supplies.fmt(quantity)}{item.uom}，请记账出库单并发运")
    allocation.save()
    audit.record(actor, A.CREATE, allocation, place=donation,
                 after={"镇街": town.name, "受助户": allocation.household, "金额": str(amount),
                        "物资": f"{item.name} {supplies.fmt(quantity)}{item.uom}" if item else "", "用途": purpose},
                 summary=f"分配捐赠 {donation.number} → {town.name}")
    return allocation
