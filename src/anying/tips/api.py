"""12350 tips API. Two public endpoints (no token, rate-limited like the pages): file a tip,
and read its status by code and PIN. Staff endpoints read and handle the tips of the caller's
scope through the same services as the pages."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from anying.core import ratelimit
from anying.core.api_input import InputSchema, MultiLine
from anying.core.context import client_ip
from anying.core.errors import PermissionDenied
from anying.core.listing import MAX_ID, BoundedPagination
from anying.core.models import Organisation, Region

from . import services, stats
from .filters import TipFilter
from .models import Tip

router = Router(tags=["群众举报"])


# --- public -----------------------------------------------------------------------------------

class PublicTipIn(InputSchema):
    category: str = Field(description="major_hazard / illegal / concealed / hazard / other")
    description: MultiLine = Field(max_length=2000)
    region_id: int = Field(ge=1, le=MAX_ID, description="所在镇街（或区县）的区划 id")
    place: str = Field(max_length=200)
    enterprise_id: int | None = Field(None, ge=1, le=MAX_ID)
    enterprise_text: str = Field("", max_length=200)
    happened_at: datetime | None = None
    anonymous: bool = True
    reporter_name: str = Field("", max_length=50)
    reporter_phone: str = Field("", max_length=20)


class Receipt(Schema):
    code: str
    pin: str
    message: str


class StatusIn(InputSchema):
    code: str = Field(max_length=20)
    pin: str = Field(max_length=10)


class TimelineOut(Schema):
    at: datetime
    label: str


class RewardPublicOut(Schema):
    amount: Decimal
    status: str
    paid_on: date | None


class PublicStatusOut(Schema):
    code: str
    category: str
    received_at: datetime
    status: str
    timeline: list[TimelineOut]
    conclusion: str | None
    reply: str
    replied_at: datetime | None
    reward: RewardPublicOut | None


def _limited(request, exc: ratelimit.RateLimited):
    from anying.api import api

    return api.create_response(request, {"detail": exc.message}, status=429)


@router.post("/public", auth=None, response={201: Receipt, 429: dict}, summary="公众举报（无需令牌，限频）")
def public_create(request, payload: Form[PublicTipIn], photos: File[list[UploadedFile]] = None):
    data = payload.dict()
    data["region"] = Region.objects.filter(pk=data.pop("region_id")).first()
    data["enterprise"] = data.pop("enterprise_id")
    try:
        tip, pin = services.submit(None, data, photos or [], address=client_ip(request) or "unknown")
    except ratelimit.RateLimited as exc:
        return _limited(request, exc)
    return Status(201, {"code": tip.display_code, "pin": pin, "message": "举报已受理。请保存举报编号和查询密码：密码只显示这一次。"})


@router.post("/public/status", auth=None, response={200: PublicStatusOut, 404: dict, 429: dict},
             summary="凭举报编号和查询密码查询进度（无需令牌，限频）")
def public_status(request, payload: StatusIn):
    try:
        tip = services.lookup(payload.code, payload.pin, address=client_ip(request))
    except ratelimit.RateLimited as exc:
        return _limited(request, exc)
    except services.NotFound:
        return Status(404, {"detail": "举报编号或查询密码不正确"})
    return Status(200, services.public_view(tip))


# --- staff ------------------------------------------------------------------------------------

class TipOut(Schema):
    id: int
    code: str = Field(alias="display_code")
    category: str
    status: str
    description: str
    place: str
    region: str = Field(alias="region.name")
    enterprise_id: int | None
    enterprise_text: str
    unit: str | None
    suggested_unit: str | None
    received_at: datetime
    verify_due: date
    reply_due: date
    substantiated: bool | None
    reply: str
    anonymous: bool
    hazards: list[int]
    inspections: list[int]
    penalties: list[int]

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name if obj.unit_id else None

    @staticmethod
    def resolve_suggested_unit(obj):
        return obj.suggested_unit.name if obj.suggested_unit_id else None

    @staticmethod
    def resolve_hazards(obj):
        return [h.pk for h in obj.hazards.all()]

    @staticmethod
    def resolve_inspections(obj):
        return [i.pk for i in obj.inspections.all()]

    @staticmethod
    def resolve_penalties(obj):
        return [p.pk for p in obj.penalties.all()]


class TipDetailOut(TipOut):
    findings: str
    reporter_name: str | None
    reporter_phone: str | None


class StepIn(InputSchema):
    unit_id: int | None = Field(None, ge=1, le=MAX_ID)
    substantiated: bool | None = None
    text: MultiLine = Field("", max_length=2000)
    version: int | None = None  # the version the client read; a stale one answers 409


class LinkIn(InputSchema):
    kind: str
    object_id: int = Field(ge=1, le=MAX_ID)
    remove: bool = False


class StatsRowOut(Schema):
    label: str
    total: int
    concluded: int
    substantiated: int
    rate: float | None
    replied: int
    avg_reply_days: float | None
    overdue: int
    rewards_paid: int
    reward_amount: Decimal


def _require_view(request) -> None:
    if not request.user.has_perm_code("tips.view"):
        raise PermissionDenied("无权查看举报")


def _tips(request):
    _require_view(request)
    return (Tip.objects.visible_to(request.user).select_related("region", "unit", "suggested_unit")
            .prefetch_related("hazards", "inspections", "penalties"))


def _detail(request, tip: Tip) -> Tip:
    """The tip as the caller may see it: without the reporter's identity unless the role allows
    (the instance is only read, never saved)."""
    if not request.user.has_perm_code("tips.view_contact"):
        tip.reporter_name = tip.reporter_phone = None
    return tip


@router.get("/", response=list[TipOut], summary="举报列表（本人范围）")
@paginate(BoundedPagination)
def list_tips(request, filters: Query[TipFilter.Params]):
    flt = TipFilter.from_api(filters, request=request)
    return flt.apply(_tips(request)).order_by("-received_at", "-id")


@router.get("/stats", response=list[StatsRowOut], summary="举报统计（按类别、承办单位或月份）")
def tip_stats(request, group: str = "category", start: date | None = None, end: date | None = None):
    _require_view(request)
    if group not in stats.GROUPS:
        raise ValidationError({"group": "统计维度应为 category、unit 或 month"})
    rows = stats.rows(Tip.objects.visible_to(request.user), group, start=start, end=end)
    return [{**r.__dict__, "rate": r.rate} for r in rows]


@router.get("/{int:tip_id}", response=TipDetailOut, summary="举报详情（举报人联系方式仅对有权限的角色返回）")
def get_tip(request, tip_id: int):
    return _detail(request, get_object_or_404(_tips(request), pk=tip_id))


@router.post("/{int:tip_id}/steps/{name}", response=TipDetailOut,
             summary="办理：assign（交办，unit_id）、start、conclude（substantiated、text）、reply（text）、close")
def take_step(request, tip_id: int, name: str, payload: StepIn):
    get_object_or_404(_tips(request), pk=tip_id)
    unit = None
    if payload.unit_id is not None:
        unit = Organisation.objects.filter(pk=payload.unit_id).first()
    tip = services.step(request.user, tip_id, name, unit=unit, substantiated=payload.substantiated, text=payload.text,
                        version=payload.version)
    return _detail(request, _tips(request).get(pk=tip.pk))


@router.post("/{int:tip_id}/links", response=TipDetailOut, summary="关联或取消关联隐患、执法检查、行政处罚")
def link(request, tip_id: int, payload: LinkIn):
    get_object_or_404(_tips(request), pk=tip_id)
    services.link(request.user, tip_id, payload.kind, payload.object_id, remove=payload.remove)
    return _detail(request, _tips(request).get(pk=tip_id))
