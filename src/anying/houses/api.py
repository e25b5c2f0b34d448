"""House ledger API (`/api/v1/houses`): the ledger with the page's filters, one household, the
writes (record, plan, photos, lifecycle steps) and the rooms per degree — the same scope and
services as the pages. ID and account numbers are always masked here."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.shortcuts import get_object_or_404
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from anying.core.api_input import InputSchema, MultiLine
from anying.core.attachments import attach
from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination
from anying.core.models import Region
from anying.disasters.models import Event

from . import services
from .filters import HouseFilter
from .models import Household

router = Router(tags=["因灾倒损住房"])
MAX_ID = 2**63 - 1


def _houses(request):
    if not request.user.has_perm_code("houses.view"):
        raise PermissionDenied("无权查看倒损住房台账")
    return Household.objects.visible_to(request.user).select_related("event", "town", "village")


class HouseholdOut(Schema):
    id: int
    event_id: int
    event: str
    town: str
    village_id: int
    village: str
    group: str
    head: str
    id_number_masked: str
    members: int
    situation: str
    situation_label: str
    structure: str
    rooms: int
    rooms_collapsed: int
    rooms_severe: int
    rooms_general: int
    cause: str
    assessed_on: dt.date
    assessors: str
    mode: str
    mode_label: str
    site_address: str
    site_lat: Decimal | None
    site_lon: Decimal | None
    site_override: str
    subsidy: Decimal
    status: str
    status_label: str
    started_on: dt.date | None
    main_done_on: dt.date | None
    completed_on: dt.date | None
    accepted_on: dt.date | None
    paid_on: dt.date | None
    paid_amount: Decimal | None
    account_masked: str
    version: int

    @staticmethod
    def resolve_event(h):
        return h.event.name

    @staticmethod
    def resolve_town(h):
        return h.town.name

    @staticmethod
    def resolve_village(h):
        return h.village.name

    @staticmethod
    def resolve_id_number_masked(h):
        return h.id_masked

    @staticmethod
    def resolve_situation_label(h):
        return h.get_situation_display()

    @staticmethod
    def resolve_mode_label(h):
        return h.get_mode_display()

    @staticmethod
    def resolve_status_label(h):
        return h.get_status_display()

    @staticmethod
    def resolve_account_masked(h):
        return h.account_masked


@router.get("/households", response=list[HouseholdOut], summary="因灾倒塌损坏住房户台账")
@paginate(BoundedPagination)
def list_households(request, filters: Query[HouseFilter.Params]):
    return HouseFilter.from_api(filters).apply(_houses(request)).order_by("town_id", "village_id", "id")


@router.get("/households/{int:household_id}", response=HouseholdOut, summary="倒损住房户")
def get_household(request, household_id: int):
    return get_object_or_404(_houses(request), pk=household_id)


class HouseholdIn(InputSchema):
    event_id: int = Field(ge=1, le=MAX_ID)
    village_id: int = Field(ge=1, le=MAX_ID)
    group: str = Field("", max_length=100)
    head: str = Field(max_length=40)
    id_number: str = Field(max_length=18)
    phone: str = Field("", max_length=20)
    members: int = Field(ge=1, le=30)
    situation: str = Field("general", max_length=12)
    only_home: bool = True
    structure: str = Field(max_length=16)
    rooms: int = Field(ge=1, le=50)
    rooms_collapsed: int = Field(0, ge=0, le=50)
    rooms_severe: int = Field(0, ge=0, le=50)
    rooms_general: int = Field(0, ge=0, le=50)
    cause: str = Field(max_length=100)
    assessed_on: dt.date
    assessors: str = Field(max_length=100)


@router.post("/households", response={201: HouseholdOut}, summary="登记倒损住房户和评估（照片另行上传）")
def create_household(request, payload: HouseholdIn):
    if not request.user.has_perm_code("houses.record"):
        raise PermissionDenied("无权登记倒损住房户")
    data = payload.dict(exclude={"event_id", "village_id"})
    data["event"] = payload.event_id
    data["village"] = Region.objects.filter(pk=payload.village_id).first()
    house = services.save_household(request.user, data)
    return Status(201, _houses(request).get(pk=house.pk))


class HousePlanIn(InputSchema):
    mode: str = Field(max_length=10, description="in_place 原址重建 / relocate 异地新建 / repair 维修加固 / purchase 购房安置")
    site_address: str = Field("", max_length=200)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    plan_note: MultiLine = Field("", max_length=500)
    site_override: MultiLine = Field("", max_length=500, description="选址例外理由（仅镇街审批人员）")
    version: int | None = Field(None, ge=1, le=2_147_483_647, description="读取时的版本号；已被他人修改则 409")


@router.post("/households/{int:household_id}/plan", response=HouseholdOut,
             summary="填报重建方案（新址距未销号风险点过近的不予通过，返回 422 并列出风险点）")
def save_plan(request, household_id: int, payload: HousePlanIn):
    house = get_object_or_404(_houses(request), pk=household_id)
    if not request.user.has_perm_code("houses.record"):
        raise PermissionDenied("无权填报方案")
    services.save_plan(request.user, house.pk, payload.dict(exclude={"version"}), version=payload.version)
    return _houses(request).get(pk=house.pk)


class HouseAttachmentOut(Schema):
    id: int
    name: str
    size: int
    mime_type: str


@router.post("/households/{int:household_id}/attachments", response={201: HouseAttachmentOut},
             summary="上传评估、进度或验收照片")
def upload(request, household_id: int, file: File[UploadedFile]):
    house = get_object_or_404(_houses(request), pk=household_id)
    if not (request.user.has_perm_code("houses.record") or request.user.has_perm_code("houses.approve")):
        raise PermissionDenied("无权上传照片")
    with transaction.atomic():
        attachment = attach(request.user, house, file)
    return Status(201, {"id": attachment.pk, "name": attachment.original_name, "size": attachment.size,
                        "mime_type": attachment.mime_type})


class HouseStepIn(InputSchema):
    name: str = Field(max_length=20, description="submit_plan, approve_plan, return_plan, start, main_done, complete, "
                                                 "accept, reject, pay")
    comment: MultiLine = Field("", max_length=1000)
    evidence_ids: list[int] = Field([], max_length=20, description="本轮新上传、尚未使用的照片")
    day: dt.date | None = None
    account: str = Field("", max_length=30, description="发放补助：一卡通账号")
    bank: str = Field("", max_length=60, description="发放补助：开户银行")
    version: int | None = Field(None, ge=1, le=2_147_483_647, description="读取时的版本号；已被他人修改则 409")


@router.post("/households/{int:household_id}/transitions", response=HouseholdOut, summary="执行流程操作")
def take_step(request, household_id: int, payload: HouseStepIn):
    house = get_object_or_404(_houses(request), pk=household_id)
    if payload.name not in services.HOUSES.table:
        raise ValidationError({"name": "未知操作"})
    services.run(request.user, house.pk, payload.name, comment=payload.comment, evidence_ids=payload.evidence_ids,
                 data={"day": payload.day, "account": payload.account, "bank": payload.bank}, version=payload.version)
    return _houses(request).get(pk=house.pk)


class HouseCountsOut(Schema):
    event_id: int
    town_id: int | None
    households: int
    houses_collapsed: int
    houses_severe: int
    houses_general: int


@router.get("/counts", response=HouseCountsOut, summary="台账倒塌、严重损坏、一般损坏间数（与核报比对）")
def ledger_counts(request, event: int = Query(..., ge=1, le=MAX_ID, description="灾害过程"),
                  town: int | None = Query(None, ge=1, le=MAX_ID, description="镇街")):
    qs = _houses(request)
    found = get_object_or_404(Event.objects.visible_to(request.user), pk=event)
    qs = qs.filter(event=found)
    if town is not None:
        qs = qs.filter(town_id=town)
    sums = qs.order_by().aggregate(c=Sum("rooms_collapsed"), s=Sum("rooms_severe"), g=Sum("rooms_general"))
    return {"event_id": found.pk, "town_id": town, "households": qs.count(), "houses_collapsed": sums["c"] or 0,
            "houses_severe": sums["s"] or 0, "houses_general": sums["g"] or 0}
