"""调拨 (issue #14 point 4, SEED A8.4): request → approval → dispatch → receipt → return or 核销.

The receiving side (a town's keeper, or the duty desk) asks for items out of a warehouse it may
call on — its own unit's, a superior's, or one a unit above marked 可供下级调度. The owner's
approver (supplies.approve over the source's territory) approves or rejects; the source's keeper
dispatches, which posts an issue (FEFO) from the source; the receiver's keeper receives, which
posts a receipt of the very lots dispatched; afterwards the supplies are either returned (an issue
at the receiver and a receipt at the source, lot for lot) or 核销 — confirmed as used, which
closes the case (what was used leaves the receiver's books by its own issue documents). The
district may pre-allocate (预置) to a town: the transfer starts approved. Each step is timed
(the *_at fields and the timeline) and tells the other side (core.workflow).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, recipients, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM
from anying.core.scope import covers
from anying.core.workflow import PERM, Lifecycle, Transition

from . import services
from .models import Item, StockDocument, Transfer, TransferLine, Warehouse

S = Transfer.Status
K = StockDocument.Kind


def _parties(user, t: Transfer) -> set[str]:
    found = set()
    if services.manages(user, t.from_warehouse):
        found.add("source")
    if user.has_perm_code("supplies.approve") and covers(user, t.from_warehouse.owner.region):
        found.add("approver")
    if services.manages(user, t.to_warehouse):
        found.add("receiver")
    if t.requested_by_id == user.pk or (user.unit_id == t.to_warehouse.owner_id
                                        and user.has_perm_code("supplies.request")):
        found.add("requester")
    return found


def _keepers(warehouse: Warehouse):
    return recipients.members([warehouse.owner_id], "supplies.keep")


def _approvers(t: Transfer):
    return recipients.over(t.from_warehouse.owner.region, "supplies.approve")


def _dispatch(step) -> None:
    t = step.record
    if not t.to_warehouse.is_active:  # else the stock would leave and could never be received
        raise ValidationError(f"调入仓库“{t.to_warehouse.name}”已停用，不能发运")
    doc = services.create_document(step.actor, kind=K.ISSUE, warehouse=t.from_warehouse, transfer=t,
                                   counterparty=f"调拨至{t.to_warehouse.name}", note=f"{t.number} 发运",
                                   lines=[{"item": line.item, "quantity": line.quantity} for line in t.lines.all()])
    services.post(step.actor, doc.pk)
    t.dispatched_at = timezone.now()
    step.summary = f"发运（{doc}）"


def _lots_of(doc: StockDocument):
    """(lot, quantity) a posted document moved, as positive quantities."""
    return [(e.lot, -e.change if e.change < 0 else e.change)
            for e in doc.entries.select_related("lot__item").order_by("id")]


def _receive(step) -> None:
    t = step.record
    sent = t.documents.filter(kind=K.ISSUE, warehouse=t.from_warehouse, status=StockDocument.Status.POSTED).first()
    if sent is None:
        raise ValidationError("找不到本调拨已记账的发运单，不能接收；请联系调出仓库")
    lines = [{"item": lot.item, "quantity": q, "batch": lot.batch, "production_date": lot.production_date,
              "expiry_date": lot.expiry_date, "owner": lot.owner} for lot, q in _lots_of(sent)]
    doc = services.create_document(step.actor, kind=K.RECEIPT, warehouse=t.to_warehouse, transfer=t, lines=lines,
                                   counterparty=f"调拨自{t.from_warehouse.name}", note=f"{t.number} 接收")
    _post_received(step.actor, doc)
    t.received_at = timezone.now()
    step.summary = f"接收（{doc}）"


def _post_received(actor, doc):
    # lots arriving may have expired on the road, and a return gives back what came: they are
    # booked as they are (the stock exists) and stay blocked from issue like any expired lot
    services.post(actor, doc.pk, allow_expired=True)


def _return(step) -> None:
    t = step.record
    # both warehouses locked at once, in id order, as every posting does: two opposite returns
    # between the same pair must queue, not deadlock
    list(Warehouse.objects.select_for_update().filter(pk__in=[t.from_warehouse_id, t.to_warehouse_id]).order_by("pk"))
    got = t.documents.filter(kind=K.RECEIPT, warehouse=t.to_warehouse, status=StockDocument.Status.POSTED).first()
    if got is None:
        raise ValidationError("找不到本调拨已记账的接收单，不能归还")
    moved = _lots_of(got)
    out = services.create_document(step.actor, kind=K.ISSUE, warehouse=t.to_warehouse, transfer=t,
                                   counterparty=f"归还{t.from_warehouse.name}", note=f"{t.number} 归还",
                                   lines=[{"item": lot.item, "lot": lot, "quantity": q} for lot, q in moved])
    _post_received(step.actor, out)
    # the receiver books the return into the source's warehouse: the step is theirs (the source
    # is told); the receipt is written as the system's, since the receiver does not keep the source
    back = services.create_document(SYSTEM, kind=K.RECEIPT, warehouse=t.from_warehouse, transfer=t,
                                    counterparty=f"{t.to_warehouse.name}归还", note=f"{t.number} 归还入库",
                                    lines=[{"item": lot.item, "quantity": q, "batch": lot.batch,
                                            "production_date": lot.production_date, "expiry_date": lot.expiry_date,
                                            "owner": lot.owner} for lot, q in moved])
    _post_received(SYSTEM, back)
    t.closed_at = timezone.now()
    step.summary = f"归还（{out}、{back}）"


def _write_off(step) -> None:
    step.record.closed_at = timezone.now()


def _approve(step) -> None:
    step.record.approved_at = timezone.now()


TRANSFERS = workflow.register(Lifecycle(
    model=Transfer, label="物资调拨",
    transitions=[
        Transition("approve", "批准", (S.REQUESTED,), S.APPROVED, frozenset({"approver"}), stamp=("approved_by",),
                   separated=("requested_by",),  # no one approves their own request
                   notify=("receiver", "source"), apply=_approve),
        Transition("reject", "驳回", (S.REQUESTED,), S.REJECTED, frozenset({"approver"}),
                   needs_comment="请填写驳回理由", notify=("receiver",)),
        Transition("cancel", "撤回", (S.REQUESTED, S.APPROVED), S.CANCELLED, frozenset({"receiver", "requester"}),
                   notify=("source",)),
        Transition("dispatch", "发运", (S.APPROVED,), S.DISPATCHED, frozenset({"source"}), notify=("receiver",),
                   apply=_dispatch),
        Transition("receive", "接收", (S.DISPATCHED,), S.RECEIVED, frozenset({"receiver"}), notify=("source",),
                   apply=_receive),
        Transition("return", "归还", (S.RECEIVED,), S.RETURNED, frozenset({"receiver"}), notify=("source",),
                   apply=_return),
        Transition("write_off", "核销", (S.RECEIVED,), S.WRITTEN_OFF, frozenset({"receiver", "approver"}),
                   needs_comment="请说明物资的使用情况（用于何次抢险救灾、消耗数量）", notify=("source",),
                   apply=_write_off),
    ],
    parties=_parties,
    recipients={"receiver": lambda t: _keepers(t.to_warehouse), "source": lambda t: _keepers(t.from_warehouse),
                "approvers": _approvers},
    audited=("status", "approved_at", "dispatched_at", "received_at", "closed_at"),
    events={"request": "申请调拨", "preallocate": "区级预置"},
    describe=lambda t: f"{t.number} {t.from_warehouse.name} → {t.to_warehouse.name}",
    url=lambda t: reverse("supplies:transfer_detail", args=[t.pk]),
))


def _lines(specs) -> list[TransferLine]:
    lines = []
    for n, spec in enumerate(specs, start=1):
        item = spec.get("item")
        if isinstance(item, int):
            item = Item.objects.filter(pk=item).first()
        if item is None:
            raise ValidationError({"lines": f"第{n}行：请选择物资"})
        q = services._qty(spec.get("quantity"))
        if q <= 0:
            raise ValidationError({"lines": f"第{n}行：数量应大于 0"})
        lines.append(TransferLine(item=item, quantity=q))
    if not lines:
        raise ValidationError({"lines": "请至少填写一种物资"})
    return lines


@transaction.atomic
def request(actor, *, from_warehouse: Warehouse, to_warehouse: Warehouse, lines, purpose: str) -> Transfer:
    """The receiving side asks: it must keep the destination (or sit in its unit with
    supplies.request) and be able to see the source (its own, a superior's or a shared one)."""
    if actor is not SYSTEM:
        if not actor.has_perm_code("supplies.request"):
            raise PermissionDenied("您无权申请调拨物资")
        if not (services.manages(actor, to_warehouse) or actor.unit_id == to_warehouse.owner_id):
            raise PermissionDenied(f"您无权为“{to_warehouse.name}”申请调拨")
        if not Warehouse.objects.visible_to(actor).filter(pk=from_warehouse.pk).exists():
            raise PermissionDenied(f"“{from_warehouse.name}”不可供您调度")
    return _create(actor, from_warehouse, to_warehouse, lines, purpose, preallocated=False)


@transaction.atomic
def preallocate(actor, *, from_warehouse: Warehouse, to_warehouse: Warehouse, lines, purpose: str) -> Transfer:
    """预置: a unit above pushes supplies down to a town ahead of the flood season; approved at once."""
    if actor is not SYSTEM and not (actor.has_perm_code("supplies.approve") and services.manages(actor, from_warehouse)
                                    and services.manages(actor, to_warehouse)):
        raise PermissionDenied("只有调出仓库的管理单位（具备审批权限）可以向下级预置物资")
    return _create(actor, from_warehouse, to_warehouse, lines, purpose, preallocated=True)


def _create(actor, source, target, specs, purpose, *, preallocated) -> Transfer:
    if source.pk == target.pk:
        raise ValidationError({"to_warehouse": "调入仓库不能与调出仓库相同"})
    for wh, field in ((source, "from_warehouse"), (target, "to_warehouse")):
        if not wh.is_active:
            raise ValidationError({field: f"“{wh.name}”已停用"})
    if not (purpose or "").strip():
        raise ValidationError({"purpose": "请填写用途"})
    lines = _lines(specs)
    now = timezone.now()
    t = Transfer.objects.create(from_warehouse=source, to_warehouse=target, purpose=purpose.strip()[:300],
                                preallocated=preallocated, requested_by=actor or None,
                                status=S.APPROVED if preallocated else S.REQUESTED,
                                approved_by=(actor or None) if preallocated else None,
                                approved_at=now if preallocated else None)
    for line in lines:
        line.transfer = t
    TransferLine.objects.bulk_create(lines)
    name = "preallocate" if preallocated else "request"
    workflow.record_event(t, name, actor=actor or None, state=t.status)
    audit.record(actor, AuditEvent.Action.CREATE, t, summary=TRANSFERS.events[name],
                 after={"调出": source.name, "调入": target.name, "物资": "；".join(
                     f"{li.item.name} {li.quantity:f}{li.item.uom}" for li in lines), "用途": t.purpose})
    workflow.tell(TRANSFERS, t, ("receiver",) if preallocated else ("approvers", "source"), TRANSFERS.events[name],
                  actor=actor)
    return t


def act(actor, pk: int, name: str, *, comment: str = "", version: int | None = None) -> Transfer:
    return workflow.run(TRANSFERS, actor, pk, name, comment=comment, version=version)


def available(user, t: Transfer):
    return TRANSFERS.available(user, t)


def total(t: Transfer) -> Decimal:
    return sum((li.quantity for li in t.lines.all()), Decimal(0))


__all__ = ["PERM", "TRANSFERS", "act", "available", "preallocate", "request"]
