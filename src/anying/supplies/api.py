"""Supplies API under /api/v1/supplies: warehouses and their stock, district-wide balances, the
item-near-a-point query, documents (create, post, reverse) and 调拨 (request, steps). Filters
are the pages' (supplies/filters.py); writes go through the services."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from anying.core.api_input import InputSchema
from anying.core.errors import PermissionDenied
from anying.core.listing import MAX_ID, BoundedPagination

from . import queries, services, transfers
from .filters import BalanceFilter, DocumentFilter, TransferFilter, WarehouseFilter
from .models import Item, Lot, StockBalance, StockDocument, Transfer, Warehouse

router = Router(tags=["应急物资"])


def _need(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("无权访问应急物资")


class WarehouseOut(Schema):
    id: int
    name: str
    level: str
    mode: str
    owner: str = Field(alias="owner.name")
    region: str = Field(alias="place.region.name")
    address: str = Field(alias="place.address")
    latitude: Decimal | None = Field(alias="place.latitude")
    longitude: Decimal | None = Field(alias="place.longitude")
    dispatchable: bool = Field(alias="place.dispatchable")
    supplier: str
    keeper: str
    keeper_phone: str
    is_active: bool


class LotOut(Schema):
    id: int
    item_id: int
    item: str = Field(alias="item.name")
    batch: str
    production_date: dt.date | None
    expiry_date: dt.date | None
    quantity: Decimal
    expired: bool

    @staticmethod
    def resolve_expired(obj):
        return obj.expiry_date is not None and obj.expiry_date < timezone.localdate()


class BalanceOut(Schema):
    warehouse_id: int
    warehouse: str = Field(alias="warehouse.name")
    mode: str = Field(alias="warehouse.mode")
    item_id: int
    item_code: str = Field(alias="item.code")
    item: str = Field(alias="item.name")
    uom: str = Field(alias="item.uom")
    quantity: Decimal


class WarehouseDetailOut(WarehouseOut):
    balances: list[BalanceOut]
    lots: list[LotOut]

    @staticmethod
    def resolve_balances(obj):
        return list(StockBalance.objects.filter(warehouse=obj).select_related("item", "warehouse").order_by("item_id"))

    @staticmethod
    def resolve_lots(obj):
        return list(Lot.objects.filter(warehouse=obj, quantity__gt=0).select_related("item").order_by("expiry_date", "id"))


class LineOut(Schema):
    item_id: int
    lot_id: int | None
    quantity: Decimal
    counted: Decimal | None
    batch: str
    expiry_date: dt.date | None


class EntryOut(Schema):
    id: int
    lot_id: int
    item_id: int
    warehouse_id: int
    change: Decimal
    lot_after: Decimal
    balance_after: Decimal
    posted_at: dt.datetime


class DocumentOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    warehouse_id: int
    to_warehouse_id: int | None
    doc_date: dt.date
    reason: str
    counterparty: str
    note: str
    posted_at: dt.datetime | None
    reverses_id: int | None


class DocumentDetailOut(DocumentOut):
    lines: list[LineOut]
    entries: list[EntryOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())

    @staticmethod
    def resolve_entries(obj):
        return list(obj.entries.order_by("id"))


class LineIn(InputSchema):
    item_id: int | None = Field(None, ge=1, le=MAX_ID)
    lot_id: int | None = Field(None, ge=1, le=MAX_ID, description="调整、盘点须指明批次；出库不填则按有效期先出")
    quantity: Decimal = Field(Decimal(0), max_digits=14, decimal_places=3, description="调整单可为负数")
    counted: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=3, description="盘点单的实盘数量")
    batch: str = Field("", max_length=60)
    production_date: dt.date | None = None
    expiry_date: dt.date | None = None
    owner: str = Field("", max_length=200)


class DocumentIn(InputSchema):
    kind: str = Field(description="receipt / issue / transfer / adjustment / stocktake")
    warehouse_id: int = Field(ge=1, le=MAX_ID)
    to_warehouse_id: int | None = Field(None, ge=1, le=MAX_ID)
    reason: str = Field("", max_length=20, description="调整单原因：loss / expired / count / donation / used / other")
    counterparty: str = Field("", max_length=200)
    note: str = Field("", max_length=2000)
    post: bool = Field(True, description="true：创建后立即记账")
    lines: list[LineIn] = Field(min_length=1, max_length=200)


class ReverseIn(InputSchema):
    note: str = Field(max_length=500)


class TransferLineOut(Schema):
    item_id: int
    quantity: Decimal


class TransferOut(Schema):
    id: int
    number: str
    status: str
    from_warehouse_id: int
    to_warehouse_id: int
    purpose: str
    preallocated: bool
    requested_at: dt.datetime
    approved_at: dt.datetime | None
    dispatched_at: dt.datetime | None
    received_at: dt.datetime | None
    closed_at: dt.datetime | None
    lines: list[TransferLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class TransferLineIn(InputSchema):
    item_id: int = Field(ge=1, le=MAX_ID)
    quantity: Decimal = Field(gt=0, max_digits=14, decimal_places=3)


class TransferIn(InputSchema):
    from_warehouse_id: int = Field(ge=1, le=MAX_ID)
    to_warehouse_id: int = Field(ge=1, le=MAX_ID)
    purpose: str = Field(max_length=300)
    preallocate: bool = False
    lines: list[TransferLineIn] = Field(min_length=1, max_length=100)


class StepIn(InputSchema):
    comment: str = Field("", max_length=2000)


class NearOut(Schema):
    item_id: int
    km: float
    total: Decimal
    by_mode: dict[str, Decimal]
    rows: list[dict]


def _warehouses(request):
    _need(request.user.has_perm_code("supplies.view"))
    return Warehouse.objects.visible_to(request.user).select_related("owner", "place__region")


@router.get("/warehouses", response=list[WarehouseOut], summary="物资仓库（本人可见：本单位、上级及可供调度的）")
@paginate(BoundedPagination)
def list_warehouses(request, filters: Query[WarehouseFilter.Params]):
    return WarehouseFilter.from_api(filters).apply(_warehouses(request)).order_by("level", "name", "id")


@router.get("/warehouses/{int:warehouse_id}", response=WarehouseDetailOut, summary="仓库及其库存、批次")
def get_warehouse(request, warehouse_id: int):
    return get_object_or_404(_warehouses(request), pk=warehouse_id)


@router.get("/balances", response=list[BalanceOut], summary="库存结存（按仓库和物资）")
@paginate(BoundedPagination)
def list_balances(request, filters: Query[BalanceFilter.Params]):
    _need(request.user.has_perm_code("supplies.view"))
    qs = StockBalance.objects.visible_to(request.user).select_related("warehouse", "item")
    return BalanceFilter.from_api(filters).apply(qs).order_by("item_id", "warehouse_id")


class NearQuery(InputSchema):
    latitude: float = Field(ge=3, le=54)
    longitude: float = Field(ge=73, le=136)
    km: float = Field(20, gt=0, le=300)


@router.get("/items/{int:item_id}/nearby", response=NearOut, summary="某物资在某点 N 公里内的数量（按仓库和储备方式）")
def nearby(request, item_id: int, q: Query[NearQuery]):
    _need(request.user.has_perm_code("supplies.view"))
    item = get_object_or_404(Item, pk=item_id)
    found = queries.item_near(request.user, item, q.latitude, q.longitude, q.km)
    return {"item_id": item.pk, "km": q.km, "total": found["total"], "by_mode": found["by_mode"],
            "rows": [{**r, "quantity": str(r["quantity"])} for r in found["rows"]]}


def _documents(request):
    _need(request.user.has_perm_code("supplies.keep"))
    return StockDocument.objects.visible_to(request.user)


@router.get("/documents", response=list[DocumentOut], summary="出入库单据")
@paginate(BoundedPagination)
def list_documents(request, filters: Query[DocumentFilter.Params]):
    return DocumentFilter.from_api(filters).apply(_documents(request)).order_by("-id")


@router.get("/documents/{int:document_id}", response=DocumentDetailOut, summary="单据及其台账行")
def get_document(request, document_id: int):
    return get_object_or_404(_documents(request), pk=document_id)


@router.post("/documents", response={201: DocumentDetailOut}, summary="开单（默认立即记账）")
def create_document(request, payload: DocumentIn):
    _need(request.user.has_perm_code("supplies.keep"))
    houses = Warehouse.objects.visible_to(request.user).select_related("owner__region")
    wh = get_object_or_404(houses, pk=payload.warehouse_id)
    to = get_object_or_404(houses, pk=payload.to_warehouse_id) if payload.to_warehouse_id else None
    lines = [{"item": li.item_id, "lot": li.lot_id, "quantity": li.quantity, "counted": li.counted, "batch": li.batch,
              "production_date": li.production_date, "expiry_date": li.expiry_date, "owner": li.owner}
             for li in payload.lines]
    make = services.create_and_post if payload.post else services.create_document
    doc = make(request.user, kind=payload.kind, warehouse=wh, to_warehouse=to, reason=payload.reason,
               counterparty=payload.counterparty, note=payload.note, lines=lines)
    return Status(201, _documents(request).get(pk=doc.pk))


@router.post("/documents/{int:document_id}/post", response=DocumentDetailOut, summary="记账草稿")
def post_document(request, document_id: int):
    get_object_or_404(_documents(request), pk=document_id)
    services.post(request.user, document_id)
    return _documents(request).get(pk=document_id)


@router.post("/documents/{int:document_id}/reverse", response={201: DocumentDetailOut}, summary="冲销已记账单据")
def reverse_document(request, document_id: int, payload: ReverseIn):
    get_object_or_404(_documents(request), pk=document_id)
    doc = services.reverse(request.user, document_id, note=payload.note)
    return Status(201, _documents(request).get(pk=doc.pk))


def _transfers(request):
    _need(request.user.has_perm_code("supplies.view"))
    return Transfer.objects.visible_to(request.user).prefetch_related("lines")


@router.get("/transfers", response=list[TransferOut], summary="物资调拨")
@paginate(BoundedPagination)
def list_transfers(request, filters: Query[TransferFilter.Params]):
    return TransferFilter.from_api(filters).apply(_transfers(request))


@router.get("/transfers/{int:transfer_id}", response=TransferOut, summary="调拨详情")
def get_transfer(request, transfer_id: int):
    return get_object_or_404(_transfers(request), pk=transfer_id)


@router.post("/transfers", response={201: TransferOut}, summary="申请调拨（或区级预置）")
def create_transfer(request, payload: TransferIn):
    _need(request.user.has_perm_code("supplies.approve") if payload.preallocate
          else request.user.has_perm_code("supplies.request"))
    houses = Warehouse.objects.visible_to(request.user).select_related("owner__region")
    source = get_object_or_404(houses, pk=payload.from_warehouse_id)
    target = get_object_or_404(houses, pk=payload.to_warehouse_id)
    make = transfers.preallocate if payload.preallocate else transfers.request
    t = make(request.user, from_warehouse=source, to_warehouse=target, purpose=payload.purpose,
             lines=[{"item": li.item_id, "quantity": li.quantity} for li in payload.lines])
    return Status(201, _transfers(request).get(pk=t.pk))


@router.post("/transfers/{int:transfer_id}/steps/{name}", response=TransferOut,
             summary="调拨办理：approve / reject / cancel / dispatch / receive / return / write_off")
def transfer_step(request, transfer_id: int, name: str, payload: StepIn):
    get_object_or_404(_transfers(request), pk=transfer_id)
    transfers.act(request.user, transfer_id, name, comment=payload.comment)
    return _transfers(request).get(pk=transfer_id)
