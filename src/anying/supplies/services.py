"""Every write of the supplies ledger (docs/supplies.md "posting rules").

Posting locks the warehouse rows first (in id order, so a transfer between two warehouses cannot
deadlock with another), which serialises every posting of a warehouse: the lots and balances read
after the lock are current, so of two issues of the last units exactly one succeeds and the
other is told the stock is short. The CHECK constraints (quantity >= 0) are the last guard.
A refusal raises ValidationError with a Chinese message, and the transaction changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from anying.core import audit
from anying.core.bulk import update_column
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM, require
from anying.core.scope import covers
from anying.places.models import Place
from anying.places.services import save_place

from .models import (
    DocumentLine,
    Item,
    LedgerEntry,
    Lot,
    MinimumStock,
    Reason,
    StockBalance,
    StockDocument,
    Warehouse,
)

K = StockDocument.Kind
WAREHOUSE_FIELDS = ["name", "owner", "level", "mode", "supplier", "agreement_no", "agreement_until", "keeper",
                    "keeper_phone", "is_active"]
DOC_FIELDS = ["kind", "status", "warehouse", "to_warehouse", "doc_date", "reason", "counterparty", "posted_at"]


# --- who may keep what ---------------------------------------------------------------------------

def manages(user, warehouse: Warehouse) -> bool:
    """The keepers of a warehouse: the staff of its owner unit, and the district's approvers
    (supplies.approve with supplies.keep: the 区级管理员) for every warehouse of their territory.
    A department on the district's region does not keep the bureau's or a town's warehouse, and a
    town never keeps the district's, even when it may call on it (security review, issue #14)."""
    if user is SYSTEM:
        return True
    if not user.has_perm_code("supplies.keep"):
        return False
    if user.unit_id == warehouse.owner_id:
        return True
    return user.has_perm_code("supplies.approve") and covers(user, warehouse.owner.region)


def require_manages(user, warehouse: Warehouse) -> None:
    if not manages(user, warehouse):
        raise PermissionDenied(f"您无权管理“{warehouse.name}”的库存")


def fmt(value: Decimal) -> str:
    """A quantity as people write it: 25, 2.5 (not 25.000)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _qty(value, field="quantity") -> Decimal:
    try:
        q = Decimal(str(value)).quantize(Decimal("0.001"))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: "数量应为数字"}) from None
    if not q.is_finite() or abs(q) >= Decimal("1e11"):
        raise ValidationError({field: "数量超出范围"})
    return q


# --- warehouses, catalogue, minimums -------------------------------------------------------------

@transaction.atomic
def save_warehouse(actor, warehouse: Warehouse, *, place: dict | None = None) -> Warehouse:
    """Create or update a warehouse and its place (kind 物资仓库). `place` holds the place's fields
    (region, address, latitude, longitude, contact_name, contact_phone, dispatchable)."""
    require(actor, "supplies.keep", "您无权登记物资仓库")
    if not covers(actor, warehouse.owner.region):
        raise ValidationError({"owner": "管理单位不在您管理的区划范围内"})
    created = warehouse.pk is None
    if created:
        p = Place(kind=Place.Kind.WAREHOUSE, owner=warehouse.owner, name=warehouse.name,
                  region=(place or {}).get("region") or warehouse.owner.region)
    else:
        require_manages(actor, Warehouse.objects.select_related("owner__region").get(pk=warehouse.pk))
        p = Place.objects.get(pk=warehouse.place_id)
        p.name, p.owner = warehouse.name, warehouse.owner
    for key, value in (place or {}).items():
        setattr(p, key, value)
    p.kind = Place.Kind.WAREHOUSE
    p.is_active = warehouse.is_active
    save_place(actor, p)
    warehouse.place = p
    warehouse.full_clean(exclude=["place"])
    before = audit.snapshot(Warehouse.objects.get(pk=warehouse.pk), WAREHOUSE_FIELDS) if not created else None
    if not created:
        warehouse.version += 1
    warehouse.save()
    audit.record(actor, AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE, warehouse,
                 before=before, after=audit.snapshot(warehouse, WAREHOUSE_FIELDS))
    if created:  # a new warehouse owes its 日检, 周检 and 月检 from today (rounds.py)
        from .rounds import create_defaults

        create_defaults(actor, warehouse)
    return warehouse


@transaction.atomic
def set_minimum(actor, warehouse: Warehouse, item: Item, quantity) -> MinimumStock | None:
    """储备基数 of an item in a warehouse; 0 removes it."""
    require_manages(actor, warehouse)
    q = _qty(quantity)
    if q < 0:
        raise ValidationError({"quantity": "储备基数不能为负数"})
    Warehouse.objects.select_for_update().filter(pk=warehouse.pk).first()  # two saves at once queue here
    current = MinimumStock.objects.filter(warehouse=warehouse, item=item).first()
    before = {"储备基数": str(current.quantity)} if current else None
    if q == 0:
        if current:
            current.delete()
        current = None
    else:
        current, _ = MinimumStock.objects.update_or_create(warehouse=warehouse, item=item, defaults={"quantity": q})
    audit.record(actor, AuditEvent.Action.UPDATE, warehouse, summary=f"储备基数 {item.name} = {q}",
                 before=before, after={"储备基数": str(q)})
    return current


# --- documents -------------------------------------------------------------------------------------

@transaction.atomic
def create_document(actor, *, kind: str, warehouse: Warehouse, lines: Iterable[dict], doc_date: dt.date | None = None,
                    reason: str = "", counterparty: str = "", note: str = "", to_warehouse: Warehouse | None = None,
                    transfer=None) -> StockDocument:
    """A draft document. Lines are dicts: item, quantity, and lot / batch / production_date /
    expiry_date / owner / counted as the kind needs (DocumentLine)."""
    require_manages(actor, warehouse)
    if kind not in K.values:
        raise ValidationError({"kind": "未知的单据类型"})
    errors = {}
    if kind == K.TRANSFER:
        if to_warehouse is None:
            errors["to_warehouse"] = "请选择调入仓库"
        elif to_warehouse.pk == warehouse.pk:
            errors["to_warehouse"] = "调入仓库不能与调出仓库相同"
        else:
            require_manages(actor, to_warehouse)
    if kind == K.ADJUSTMENT and not reason:
        errors["reason"] = "调整单须选择原因（损耗、过期、盘点差异、捐赠入库、其他）"
    if reason and reason not in Reason.values:
        errors["reason"] = "未知的原因"
    if errors:
        raise ValidationError(errors)
    doc = StockDocument.objects.create(
        kind=kind, warehouse=warehouse, to_warehouse=to_warehouse if kind == K.TRANSFER else None,
        doc_date=doc_date or timezone.localdate(), reason=reason, counterparty=counterparty[:200], note=note,
        transfer=transfer, created_by=actor or None)
    made = [_line(doc, n, spec) for n, spec in enumerate(lines, start=1)]
    if not made:
        raise ValidationError({"lines": "单据至少要有一行物资"})
    DocumentLine.objects.bulk_create(made)
    audit.record(actor, AuditEvent.Action.CREATE, doc, summary=f"新建{doc}", after=audit.snapshot(doc, DOC_FIELDS))
    return doc


def _line(doc: StockDocument, n: int, spec: dict) -> DocumentLine:
    item, lot = spec.get("item"), spec.get("lot")
    if isinstance(item, int):
        item = Item.objects.filter(pk=item).first()
    if isinstance(lot, int):
        lot = Lot.objects.filter(pk=lot, warehouse=doc.warehouse).first() or False
    if lot is False or (lot is not None and lot.warehouse_id != doc.warehouse_id):
        raise ValidationError({"lines": f"第{n}行：批次不属于该仓库"})
    if item is None and lot is not None:
        item = lot.item
    if item is None:
        raise ValidationError({"lines": f"第{n}行：请选择物资"})
    if lot is not None and lot.item_id != item.pk:
        raise ValidationError({"lines": f"第{n}行：批次与物资不符"})
    line = DocumentLine(document=doc, item=item, lot=lot or None, batch=(spec.get("batch") or "")[:60],
                        production_date=spec.get("production_date"), expiry_date=spec.get("expiry_date"),
                        owner=(spec.get("owner") or "")[:200])
    if doc.kind == K.STOCKTAKE:
        if lot is None:
            raise ValidationError({"lines": f"第{n}行：盘点须指明批次"})
        line.counted = _qty(spec.get("counted"), "counted")
        if line.counted < 0:
            raise ValidationError({"lines": f"第{n}行：实盘数量不能为负数"})
        return line
    q = _qty(spec.get("quantity"))
    if q == 0 or (q < 0 and doc.kind != K.ADJUSTMENT):
        raise ValidationError({"lines": f"第{n}行：数量应大于 0"})
    if doc.kind == K.ADJUSTMENT and q < 0 and lot is None:
        raise ValidationError({"lines": f"第{n}行：调减须指明批次"})
    if line.expiry_date and line.production_date and line.expiry_date < line.production_date:
        raise ValidationError({"lines": f"第{n}行：有效期不能早于生产日期"})
    line.quantity = q
    return line


class _Books:
    """The postings of one document: the locked warehouses, the lots and balances touched."""

    def __init__(self, doc: StockDocument, now, allow_expired: bool = False):
        self.doc, self.now, self.today = doc, now, timezone.localdate(now)
        self.allow_expired = allow_expired  # a 调拨's receipt and return move lots as they are
        self.balances: dict[tuple[int, int], StockBalance] = {}
        self.lots: dict[int, Lot] = {}
        self.entries: list[LedgerEntry] = []

    def balance(self, warehouse_id: int, item_id: int) -> StockBalance:
        key = (warehouse_id, item_id)
        if key not in self.balances:
            found, _ = StockBalance.objects.get_or_create(warehouse_id=warehouse_id, item_id=item_id)
            self.balances[key] = found
        return self.balances[key]

    def move(self, line: DocumentLine, lot: Lot, change: Decimal) -> None:
        lot = self.lots.setdefault(lot.pk, lot)
        if lot.quantity + change < 0:
            raise ValidationError(f"{lot.item.name}（批次 {lot.batch or '无'}）结存 {fmt(lot.quantity)}，"
                                  f"不足 {fmt(-change)}：库存不足，未记账")
        bal = self.balance(lot.warehouse_id, lot.item_id)
        lot.quantity += change
        bal.quantity += change
        self.entries.append(LedgerEntry(document=self.doc, line=line, warehouse_id=lot.warehouse_id,
                                        item_id=lot.item_id, lot=lot, change=change, lot_after=lot.quantity,
                                        balance_after=bal.quantity, posted_at=self.now))

    def save(self) -> None:
        # one UPDATE … FROM (VALUES …) for every lot touched: an issue across 50 lots is one statement
        update_column(Lot, "quantity", {lot.pk: lot.quantity for lot in self.lots.values()})
        for bal in self.balances.values():
            # a balance row exists only while there is stock: "warehouses holding X" is a plain join
            if bal.quantity == 0:
                StockBalance.objects.filter(pk=bal.pk).delete()
            else:
                StockBalance.objects.filter(pk=bal.pk).update(quantity=bal.quantity)
        LedgerEntry.objects.bulk_create(self.entries)


def _lock_warehouses(doc: StockDocument, now, on: dt.date | None = None) -> list[Warehouse]:
    """Lock the document's warehouses (in id order) and check the posting date `on` (the
    document's own date unless given: a reversal posts today)."""
    ids = sorted({doc.warehouse_id, *([doc.to_warehouse_id] if doc.to_warehouse_id else [])})
    locked = list(Warehouse.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    today = timezone.localdate(now)
    on = on or doc.doc_date
    if on > today:
        raise ValidationError({"doc_date": "单据日期不能晚于今天"})
    for wh in locked:
        if not wh.is_active:
            raise ValidationError(f"“{wh.name}”已停用，不能记账")
        if wh.last_posted_at and on < timezone.localdate(wh.last_posted_at):
            raise ValidationError({"doc_date": f"不能补记：“{wh.name}”已有 {timezone.localtime(wh.last_posted_at):%Y-%m-%d %H:%M} "
                                               f"的记账，单据日期不能早于该日"})
    return locked


def expired(lot: Lot, today: dt.date) -> bool:
    return lot.expiry_date is not None and lot.expiry_date < today


def fefo(warehouse_id: int, item_id: int, today: dt.date):
    """The lots an issue may take, first-expiring first (no expiry date last), then oldest."""
    return (Lot.objects.filter(warehouse_id=warehouse_id, item_id=item_id, quantity__gt=0)
            .filter(Q(expiry_date__isnull=True) | Q(expiry_date__gte=today)).select_related("item")
            .order_by(F("expiry_date").asc(nulls_last=True), F("production_date").asc(nulls_last=True), "id"))


def _take(books: _Books, line: DocumentLine, warehouse_id: int) -> list[tuple[Lot, Decimal]]:
    """Take `line.quantity` out of a warehouse: the named lot, or FEFO; expired lots never."""
    need = line.quantity
    if line.lot_id:
        lot = books.lots.get(line.lot_id) or Lot.objects.select_related("item").get(pk=line.lot_id)
        if expired(lot, books.today) and not books.allow_expired:
            raise ValidationError(f"{lot.item.name}（批次 {lot.batch or '无'}）已于 {lot.expiry_date:%Y-%m-%d} 过期，"
                                  f"不能出库；请以“过期”原因做调整单处理")
        books.move(line, lot, -need)
        return [(lot, need)]
    taken = []
    for lot in fefo(warehouse_id, line.item_id, books.today):
        lot = books.lots.get(lot.pk, lot)
        if need <= 0:
            break
        if lot.quantity <= 0:
            continue
        part = min(need, lot.quantity)
        books.move(line, lot, -part)
        taken.append((lot, part))
        need -= part
    if need > 0:
        usable = line.quantity - need
        blocked = (Lot.objects.filter(warehouse_id=warehouse_id, item_id=line.item_id, quantity__gt=0,
                                      expiry_date__lt=books.today).values_list("quantity", flat=True))
        extra = sum(blocked, Decimal(0))
        hint = f"（另有已过期 {fmt(extra)} {line.item.uom} 不能出库）" if extra else ""
        raise ValidationError(f"{line.item.name}库存不足：需要 {fmt(line.quantity)} {line.item.uom}，"
                              f"可出库 {fmt(usable)} {line.item.uom}{hint}。未记账，库存未变。")
    return taken


def _receive_lot(books: _Books, warehouse_id: int, line: DocumentLine, *, batch, production_date, expiry_date,
                 owner) -> Lot:
    if expiry_date and expiry_date < books.today and not books.allow_expired:
        raise ValidationError(f"{line.item.name}（批次 {batch or '无'}）已过期，不能入库")
    lot = (Lot.objects.select_related("item")
           .filter(warehouse_id=warehouse_id, item_id=line.item_id, batch=batch, expiry_date=expiry_date).first())
    if lot is None:
        lot = Lot.objects.create(warehouse_id=warehouse_id, item_id=line.item_id, batch=batch,
                                 production_date=production_date, expiry_date=expiry_date, owner=owner)
        lot.item = line.item
    return books.lots.setdefault(lot.pk, lot)


def _post_lines(books: _Books, doc: StockDocument) -> None:
    for line in doc.lines.select_related("item", "lot__item"):
        if doc.kind == K.RECEIPT or (doc.kind == K.ADJUSTMENT and line.quantity > 0 and not line.lot_id):
            lot = _receive_lot(books, doc.warehouse_id, line, batch=line.batch, production_date=line.production_date,
                               expiry_date=line.expiry_date, owner=line.owner)
            books.move(line, lot, line.quantity)
        elif doc.kind == K.ISSUE:
            _take(books, line, doc.warehouse_id)
        elif doc.kind == K.TRANSFER:
            for lot, part in _take(books, line, doc.warehouse_id):
                into = _receive_lot(books, doc.to_warehouse_id, line, batch=lot.batch,
                                    production_date=lot.production_date, expiry_date=lot.expiry_date, owner=lot.owner)
                books.move(line, into, part)
        elif doc.kind == K.ADJUSTMENT:
            books.move(line, line.lot, line.quantity)
        elif doc.kind == K.STOCKTAKE:
            lot = books.lots.get(line.lot_id, line.lot)
            diff = line.counted - lot.quantity
            if diff:
                books.move(line, lot, diff)


def post(actor, pk: int, *, version: int | None = None, allow_expired: bool = False) -> StockDocument:
    """Post a draft: the ledger rows, lots and balances change together, or nothing does."""
    with transaction.atomic():
        doc = _locked_doc(actor, pk, version)
        if doc.status != StockDocument.Status.DRAFT:
            raise ValidationError(f"{doc}当前状态为“{doc.get_status_display()}”，不能记账（可能已被他人处理，请刷新）")
        now = timezone.now()
        if doc.doc_date < timezone.localdate(now):  # a draft from an earlier day posts today, never back-dated
            doc.doc_date = timezone.localdate(now)
        locked = _lock_warehouses(doc, now)
        books = _Books(doc, now, allow_expired)
        _post_lines(books, doc)
        if not books.entries and doc.kind != K.STOCKTAKE:
            raise ValidationError("单据没有可记账的数量")
        books.save()
        _close(actor, doc, locked, now, "记账")
    return doc


def _locked_doc(actor, pk, version) -> StockDocument:
    qs = StockDocument.objects.all() if actor is SYSTEM else StockDocument.objects.visible_to(actor)
    doc = qs.select_for_update(of=("self",)).select_related("warehouse__owner__region",
                                                             "to_warehouse__owner__region").get(pk=pk)
    require_manages(actor, doc.warehouse)
    if doc.to_warehouse_id and not doc.transfer_id:  # a 调拨单 between two warehouses: both are kept
        require_manages(actor, doc.to_warehouse)
    if version is not None and doc.version != version:
        from anying.core.workflow import StaleVersion
        raise StaleVersion()
    return doc


def _close(actor, doc: StockDocument, locked: list[Warehouse], now, label: str) -> None:
    before = audit.snapshot(doc, DOC_FIELDS)
    if doc.status == StockDocument.Status.DRAFT:
        doc.status, doc.posted_at, doc.posted_by = StockDocument.Status.POSTED, now, actor or None
    doc.version += 1
    doc.save()
    Warehouse.objects.filter(pk__in=[w.pk for w in locked]).update(last_posted_at=now)
    audit.record(actor, AuditEvent.Action.STATE, doc, summary=f"{label}{doc}", before=before,
                 after=audit.snapshot(doc, DOC_FIELDS))


def reverse(actor, pk: int, *, note: str = "", version: int | None = None) -> StockDocument:
    """Undo a posted document by a new one that posts the opposite of each of its ledger rows,
    lot by lot. Refused (nothing changed) when a lot no longer holds what the original brought in."""
    with transaction.atomic():
        original = _locked_doc(actor, pk, version)
        if original.status != StockDocument.Status.POSTED:
            raise ValidationError(f"{original}当前状态为“{original.get_status_display()}”，只有已记账的单据可以冲销")
        if original.reverses_id:
            raise ValidationError("冲销单本身不能再冲销；如需更正请另开单据")
        if original.transfer_id:
            raise ValidationError("调拨产生的单据随调拨办理（归还或核销），不能单独冲销")
        if not note.strip():
            raise ValidationError({"note": "请填写冲销原因"})
        now = timezone.now()
        locked = _lock_warehouses(original, now, on=timezone.localdate(now))
        doc = StockDocument.objects.create(
            kind=original.kind, status=StockDocument.Status.POSTED, warehouse=original.warehouse,
            to_warehouse=original.to_warehouse, doc_date=timezone.localdate(now), reason=original.reason,
            counterparty=original.counterparty, note=f"冲销 {original.number}：{note.strip()}", reverses=original,
            created_by=actor or None, posted_by=actor or None, posted_at=now)
        books = _Books(doc, now)
        lines = {}
        for entry in original.entries.select_related("lot__item", "line").order_by("-id"):
            if entry.line_id not in lines:
                src = entry.line
                lines[entry.line_id] = DocumentLine.objects.create(
                    document=doc, item_id=src.item_id, lot=src.lot, quantity=-src.quantity, counted=src.counted,
                    batch=src.batch, production_date=src.production_date, expiry_date=src.expiry_date, owner=src.owner)
            books.move(lines[entry.line_id], entry.lot, -entry.change)
        books.save()
        before = audit.snapshot(original, DOC_FIELDS)
        original.status = StockDocument.Status.REVERSED
        original.version += 1
        original.save(update_fields=["status", "version"])
        audit.record(actor, AuditEvent.Action.STATE, original, summary=f"冲销{original}（{doc}）", before=before,
                     after=audit.snapshot(original, DOC_FIELDS))
        _close(actor, doc, locked, now, "记账冲销单")
    return doc


def create_and_post(actor, **kwargs) -> StockDocument:
    with transaction.atomic():
        doc = create_document(actor, **kwargs)
        return post(actor, doc.pk)


@transaction.atomic
def discard(actor, pk: int) -> None:
    """Delete a draft (never a posted document)."""
    doc = _locked_doc(actor, pk, None)
    if doc.status != StockDocument.Status.DRAFT:
        raise ValidationError("只有草稿可以删除；已记账的单据只能冲销")
    audit.record(actor, AuditEvent.Action.UPDATE, doc, summary=f"删除草稿{doc}", before=audit.snapshot(doc, DOC_FIELDS))
    doc.delete()
