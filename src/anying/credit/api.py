"""Credit API (`/api/v1/credit`): the register with the page's filters, one listing, the
proposal and the lifecycle steps; the publications of penalty decisions; the 标准化重新核定 list.
A person's ID number is never returned here (masked)."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from anying.core.api_input import InputSchema, MultiLine
from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination

from . import services
from .filters import ListingFilter, NoticeFilter
from .models import Listing, PenaltyNotice

router = Router(tags=["信用监管"])
MAX_ID = 2**63 - 1


def _can_view(request):
    if not request.user.has_perm_code("credit.view"):
        raise PermissionDenied("无权查看信用监管信息")


def _listings(request):
    _can_view(request)
    return Listing.objects.visible_to(request.user).select_related("enterprise", "decision_unit")


class ListingOut(Schema):
    id: int
    number: str
    subject: str
    enterprise_id: int
    enterprise: str
    person_name: str
    person_id_masked: str
    person_role: str
    ground: str
    ground_label: str
    reason: str
    legal_basis: str
    penalty_id: int | None
    decision_unit: str
    decision_number: str
    listed_on: dt.date | None
    period_end: dt.date | None
    published_on: dt.date | None
    removed_on: dt.date | None
    removal: str
    removal_conditions: list[str]
    status: str
    status_label: str
    version: int

    @staticmethod
    def resolve_enterprise(g):
        return g.enterprise.name

    @staticmethod
    def resolve_person_id_masked(g):
        return g.id_masked

    @staticmethod
    def resolve_decision_unit(g):
        return g.decision_unit.name

    @staticmethod
    def resolve_status_label(g):
        return g.get_status_display()


@router.get("/listings", response=list[ListingOut], summary="严重失信主体名单")
@paginate(BoundedPagination)
def list_listings(request, filters: Query[ListingFilter.Params]):
    return ListingFilter.from_api(filters).apply(_listings(request)).order_by("-created_at", "-id")


@router.get("/listings/{int:listing_id}", response=ListingOut, summary="名单条目")
def get_listing(request, listing_id: int):
    return get_object_or_404(_listings(request), pk=listing_id)


class ListingIn(InputSchema):
    enterprise_id: int = Field(ge=1, le=MAX_ID)
    subject: str = Field("enterprise", max_length=10, description="enterprise 生产经营单位 / person 有关人员")
    person_name: str = Field("", max_length=40)
    person_id_number: str = Field("", max_length=18)
    person_role: str = Field("", max_length=40)
    ground: str = Field(max_length=32, description="列入情形（grounds.csv 的 key）")
    reason: MultiLine = Field(max_length=2000)
    legal_basis: str = Field(max_length=500)
    penalty_id: int | None = Field(None, ge=1, le=MAX_ID)
    decision_number: str = Field("", max_length=60)


@router.post("/listings", response={201: ListingOut}, summary="提出列入严重失信主体名单")
def create_listing(request, payload: ListingIn):
    data = payload.dict(exclude={"enterprise_id", "penalty_id"})
    data["enterprise"], data["penalty"] = payload.enterprise_id, payload.penalty_id
    listing = services.propose(request.user, data)
    return Status(201, _listings(request).get(pk=listing.pk))


class ListingStepIn(InputSchema):
    name: str = Field(max_length=20, description="approve, reject, publish, remove")
    comment: MultiLine = Field("", max_length=1000)
    day: dt.date | None = None
    removal: str = Field("", max_length=10, description="移出：expired 期满 / early 提前移出")
    conditions: list[str] = Field([], max_length=10, description="提前移出：已满足的条件")
    version: int | None = Field(None, ge=1, le=2_147_483_647, description="读取时的版本号；已被他人修改则 409")


@router.post("/listings/{int:listing_id}/transitions", response=ListingOut, summary="执行流程操作")
def take_step(request, listing_id: int, payload: ListingStepIn):
    listing = get_object_or_404(_listings(request), pk=listing_id)
    if payload.name not in services.LISTINGS.table:
        raise ValidationError({"name": "未知操作"})
    services.run(request.user, listing.pk, payload.name, comment=payload.comment,
                 data={"day": payload.day, "removal": payload.removal, "conditions": payload.conditions},
                 version=payload.version)
    return _listings(request).get(pk=listing.pk)


class NoticeOut(Schema):
    id: int
    penalty_id: int
    party_name: str
    party_kind: str
    credit_code: str
    decision_number: str
    violation_type: str
    content: str
    amount: Decimal
    decided_on: dt.date
    due_by: dt.date
    published_on: dt.date
    publish_until: dt.date
    unit_name: str
    late: bool


@router.get("/penalty-notices", response=list[NoticeOut], summary="行政处罚信息公示（已公示）")
@paginate(BoundedPagination)
def list_notices(request, filters: Query[NoticeFilter.Params]):
    _can_view(request)
    return NoticeFilter.from_api(filters).apply(PenaltyNotice.objects.visible_to(request.user)) \
        .order_by("-published_on", "-id")


@router.post("/penalties/{int:penalty_id}/publish", response={201: NoticeOut}, summary="公示行政处罚决定")
def publish(request, penalty_id: int):
    _can_view(request)
    return Status(201, services.publish_penalty(request.user, penalty_id))


class RerateOut(Schema):
    enterprise_id: int
    enterprise: str
    std_grade: str
    std_certificate_date: dt.date | None
    action: str
    hazard_ids: list[int]
    accident_ids: list[int]


@router.get("/rerating", response=list[RerateOut], summary="标准化应重新核定或撤销的企业")
def rerating(request):
    _can_view(request)
    return [{"enterprise_id": r["enterprise"].pk, "enterprise": r["enterprise"].name,
             "std_grade": r["enterprise"].std_grade, "std_certificate_date": r["enterprise"].std_certificate_date,
             "action": r["action"], "hazard_ids": [h["id"] for h in r["hazards"]],
             "accident_ids": [a["id"] for a in r["accidents"]]} for r in services.rerating(request.user)]
