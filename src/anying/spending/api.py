"""Safety-spending API (`/api/v1/spending`): the yearly ledgers with the page's filters, one
ledger with its entries, and the enterprise's writes (open a year, record an entry) — the same
scope and services as the pages. Amounts in 元."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from anying.core.api_input import InputSchema
from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination

from . import services
from .filters import LedgerFilter
from .models import Ledger

router = Router(tags=["安全生产费用"])
MAX_ID = 2**63 - 1


def _ledgers(request):
    if not request.user.has_perm_code("spending.view"):
        raise PermissionDenied("无权查看安全生产费用")
    return Ledger.objects.visible_to(request.user).select_related("enterprise")


class LedgerOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str
    year: int
    class_key: str
    class_label: str
    base: Decimal
    required: Decimal
    carried: Decimal
    set_aside: Decimal
    spent: Decimal
    balance: Decimal
    rate: Decimal | None = Field(description="提取比例（%）= 已提取 ÷ 应提取")
    spent_share: Decimal | None = Field(description="使用占比（%）= 已使用 ÷（上年结余 + 已提取）")
    under: bool
    version: int

    @staticmethod
    def resolve_enterprise(g):
        return g.enterprise.name


class EntryOut(Schema):
    id: int
    kind: str
    on: dt.date
    amount: Decimal
    category: str
    category_label: str
    description: str
    voucher: str


class LedgerDetailOut(LedgerOut):
    entries: list[EntryOut]

    @staticmethod
    def resolve_entries(g):
        return list(g.entries.order_by("on", "id"))


@router.get("/ledgers", response=list[LedgerOut], summary="安全生产费用年度台账（含提取比例）")
@paginate(BoundedPagination)
def list_ledgers(request, filters: Query[LedgerFilter.Params]):
    return LedgerFilter.from_api(filters).apply(_ledgers(request)).order_by("-year", "enterprise__name", "id")


@router.get("/ledgers/{int:ledger_id}", response=LedgerDetailOut, summary="年度台账和明细")
def get_ledger(request, ledger_id: int):
    return get_object_or_404(_ledgers(request), pk=ledger_id)


class LedgerIn(InputSchema):
    enterprise_id: int = Field(ge=1, le=MAX_ID)
    year: int = Field(ge=1, le=2100, description="年度（2000年起，服务端校验）")
    class_key: str = Field(max_length=24, description="办法行业类别（见提取标准页）")
    base: Decimal = Field(ge=0, le=Decimal("99999999999999"), description="计提依据：元；非煤矿山为吨")
    carried: Decimal = Field(Decimal(0), ge=0, le=Decimal("999999999999"))
    note: str = Field("", max_length=300)


@router.post("/ledgers", response={201: LedgerOut}, summary="新建年度台账（企业）")
def create_ledger(request, payload: LedgerIn):
    data = payload.dict()
    data["enterprise"] = data.pop("enterprise_id")
    ledger = services.save_ledger(request.user, data)
    return Status(201, _ledgers(request).get(pk=ledger.pk))


class EntryIn(InputSchema):
    kind: str = Field(max_length=10, description="set_aside 提取 / spend 使用")
    on: dt.date
    amount: Decimal = Field(gt=0, le=Decimal("999999999999"))
    category: str = Field("", max_length=24, description="使用类别（使用时必填）")
    description: str = Field(max_length=200)
    voucher: str = Field("", max_length=40, description="凭证号（使用时必填，或在页面上传凭证）")


@router.post("/ledgers/{int:ledger_id}/entries", response={201: EntryOut}, summary="登记提取或使用（企业）")
def create_entry(request, ledger_id: int, payload: EntryIn):
    ledger = get_object_or_404(_ledgers(request), pk=ledger_id)
    entry = services.add_entry(request.user, ledger.pk, payload.dict())
    return Status(201, entry)
