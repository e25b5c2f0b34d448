"""Warnings API under /api/v1/warnings: the list (filters of the page), one warning with its 叫应
progress per town, the sign-off steps, CAP import (the weather bureau's systems may post their
messages here), and the SMS gateway's inbound replies (叫应 by reply)."""

import datetime as dt
import hmac

from django.conf import settings
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from ninja.security import APIKeyHeader
from pydantic import Field

from anying.core.api_input import InputSchema
from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination

from . import cap, delivery, services
from .filters import WarningFilter
from .models import Warning

router = Router(tags=["预警发布与叫应"])


def _warnings(request):
    if not request.user.has_perm_code("warning.view"):
        raise PermissionDenied("无权查看预警")
    return Warning.objects.visible_to(request.user).select_related("unit")


class WarningOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    level: str = Field(description="blue 蓝色 / yellow 黄色 / orange 橙色 / red 红色")
    msg_type: str = Field(description="Alert 首发 / Update 更新 / Cancel 解除（CAP msgType）")
    references_id: int | None
    agency: str
    unit: str = Field(alias="unit.name")
    headline: str
    description: str
    instruction: str
    area_desc: str
    regions: list[int]
    polygon: list | None = Field(description="[[经度, 纬度], …]")
    onset: dt.datetime
    expires: dt.datetime
    status: str
    issued_at: dt.datetime | None
    source: str
    version: int

    @staticmethod
    def resolve_kind_label(obj):
        return obj.kind_label()

    @staticmethod
    def resolve_regions(obj):
        return [r.pk for r in obj.regions.all()]


class TownProgressOut(Schema):
    town_id: int | None
    town: str
    total: int
    acked: int
    rate: float | None
    calls: int = Field(description="仍未确认、已转电话叫应的人数")


class WarningDetailOut(WarningOut):
    """叫应 figures count the recipients the caller may see: a town its own territory's people, the
    district everyone; an enterprise none."""
    told: int
    acknowledged: int
    rate: float | None = Field(description="叫应率（%）")
    towns: list[TownProgressOut]

    @staticmethod
    def resolve_told(obj):
        return obj.totals["total"]

    @staticmethod
    def resolve_acknowledged(obj):
        return obj.totals["acked"]

    @staticmethod
    def resolve_rate(obj):
        return obj.totals["rate"]

    @staticmethod
    def resolve_towns(obj):
        return delivery.progress(obj, obj.seen)


class WarningStepIn(InputSchema):
    comment: str = Field("", max_length=1000)
    version: int | None = Field(None, ge=1, le=2_147_483_647)


@router.get("/", response=list[WarningOut], summary="预警列表")
@paginate(BoundedPagination)
def list_warnings(request, filters: Query[WarningFilter.Params]):
    return WarningFilter.from_api(filters).apply(_warnings(request)).prefetch_related("regions").order_by("-id")


def _detail(request, warning_id: int) -> Warning:
    warning = get_object_or_404(_warnings(request), pk=warning_id)
    warning.seen = delivery.recipients_seen_by(request.user, warning)  # a town: its own people; an enterprise: none
    warning.totals = delivery.totals(warning, warning.seen)
    return warning


@router.get("/{int:warning_id}", response=WarningDetailOut, summary="预警及各镇街叫应进度")
def get_warning(request, warning_id: int):
    return _detail(request, warning_id)


@router.post("/{int:warning_id}/steps/{name}", response=WarningDetailOut,
             summary="预警办理：submit 提交签发 / return 退回修改 / issue 签发发布（编辑人和提交人不能签发）")
def warning_step(request, warning_id: int, name: str, payload: WarningStepIn):
    get_object_or_404(_warnings(request), pk=warning_id)
    services.act(request.user, warning_id, name, comment=payload.comment, version=payload.version)
    return _detail(request, warning_id)


@router.post("/import", response={201: WarningOut, 422: dict},
             summary="导入一条 CAP 1.2 预警消息（请求体为 XML），生成预警草稿",
             openapi_extra={"requestBody": {"content": {"application/cap+xml": {"schema": {"type": "string"}},
                                                        "application/xml": {"schema": {"type": "string"}}}}})
def import_message(request):
    try:
        warning = services.import_cap(request.user, request.body, origin="接口")
    except cap.CapError as exc:
        return Status(422, {"detail": [{"loc": ["body"], "msg": str(exc), "type": "value_error"}]})
    return Status(201, warning)


class GatewayKey(APIKeyHeader):
    """`X-Gateway-Key`: the shared key of the SMS gateway's inbound webhook (ANYING_SMS_GATEWAY_KEY)."""

    param_name = "X-Gateway-Key"

    def authenticate(self, request, key):
        expected = settings.ANYING_SMS_GATEWAY_KEY
        return bool(expected and key and key.isascii() and hmac.compare_digest(key, expected)) or None


class SmsReplyIn(InputSchema):
    phone: str = Field(max_length=20, description="回复短信的手机号")
    text: str = Field(max_length=500, description="回复内容；“1”“收到”“确认”视为确认收到")


class SmsReplyOut(Schema):
    acknowledged: int = Field(description="因此确认的叫应记录数")


@router.post("/sms-replies", auth=GatewayKey(), response=SmsReplyOut, summary="短信网关回调：回复确认（叫应）")
def sms_reply(request, payload: SmsReplyIn):
    return {"acknowledged": delivery.acknowledge_reply(payload.phone, payload.text)}
