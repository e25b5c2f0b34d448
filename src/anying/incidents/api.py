"""Incident API (`/api/v1/incidents`): the list and one incident with its reporting chains, intake
from other systems (110/119/120 linkage, monitoring alarms), reports up the chain, and what my desk
owes — the same rules as the pages (services.py)."""


import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from anying.core.api_input import InputSchema
from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination
from anying.core.models import Industry, Region
from anying.registry.models import Enterprise
from anying.standards.models import AccidentType

from . import services
from .filters import IncidentFilter
from .models import Due, Incident

router = Router(tags=["接报与信息报送"])


def _may(request) -> None:
    if not request.user.has_perm_code("incidents.view"):
        raise PermissionDenied("无权查看接报事件")


def _may_take(request) -> None:
    if not request.user.has_perm_code("incidents.take"):
        raise PermissionDenied("无权接报和报送")


class IncidentOut(Schema):
    id: int
    number: str
    title: str
    category: str
    kind: str
    grade: str
    status: str
    occurred_at: dt.datetime
    received_at: dt.datetime
    region: str = Field(alias="region.name")
    region_id: int
    place: str
    latitude: Decimal | None
    longitude: Decimal | None
    source: str
    verified: bool
    deaths: int
    missing: int
    trapped: int
    injured: int
    serious_injuries: int
    direct_loss: Decimal
    is_exercise: bool
    unit: str = Field(alias="unit.name")


class ReportDueOut(Schema):
    id: int
    incident_id: int
    unit: str = Field(alias="desk.unit.name")
    stage: str
    medium: str
    due_at: dt.datetime
    met_at: dt.datetime | None
    cancelled: bool
    rule: str = Field(alias="rule.label")
    article: str = Field(alias="rule.article")


class IncidentReportOut(Schema):
    id: int
    unit: str = Field(alias="desk.unit.name")
    stage: str
    label: str
    medium: str
    to_name: str
    submitted_at: dt.datetime
    late_minutes: int
    received_at: dt.datetime | None
    content: str
    snapshot: dict


class ReportFlagOut(Schema):
    id: int
    kind: str
    party: str
    reason: str
    minutes: int
    automatic: bool
    withdrawn_at: dt.datetime | None


class IncidentDetailOut(IncidentOut):
    description: str
    measures: str
    party: str = Field(alias="party_name")
    reports: list[IncidentReportOut] = Field(alias="report_list")
    dues: list[ReportDueOut] = Field(alias="due_list")
    flags: list[ReportFlagOut] = Field(alias="flag_list")


class IncidentIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    kind: str = Field(max_length=20, description="work_safety 生产安全事故, road, fire, other_accident, flood, "
                                                 "geological, forest_fire, earthquake, weather, other_natural, other")
    grade: str = Field("", max_length=12, description="自然灾害和其他事件须研判：general/larger/major/especially")
    occurred_at: dt.datetime
    received_at: dt.datetime | None = None
    source: str = Field(max_length=16, description="phone, linkage 110/119/120联动, below, unit, tip, media, alarm, "
                                                   "video, own")
    source_detail: str = Field("", max_length=200)
    reporter: str = Field("", max_length=60)
    reporter_phone: str = Field("", max_length=40)
    region_id: int = Field(gt=0, description="镇街或村社区")
    place: str = Field(min_length=1, max_length=200)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    enterprise_id: int | None = Field(None, gt=0)
    party: str = Field("", max_length=200)
    industry_id: int | None = Field(None, gt=0)
    accident_type: str = Field("", max_length=10, description="GB 6441-2025 编码")
    deaths: int = Field(0, ge=0, le=100000)
    missing: int = Field(0, ge=0, le=100000)
    trapped: int = Field(0, ge=0, le=100000)
    injured: int = Field(0, ge=0, le=100000)
    serious_injuries: int = Field(0, ge=0, le=100000)
    direct_loss: Decimal = Field(Decimal(0), ge=0, max_digits=16, decimal_places=2)
    description: str = Field(min_length=1, max_length=20000)
    measures: str = Field("", max_length=20000)
    is_exercise: bool = False


class IncidentReportIn(InputSchema):
    stage: str = Field(max_length=12, description="first 首报, followup 续报, final 终报, supplement 补报")
    medium: str = Field("written", max_length=8, description="phone 电话 / written 书面")
    content: str = Field(min_length=1, max_length=20000)
    signed_by: str = Field("", max_length=60)
    at: dt.datetime | None = Field(None, description="报送时间，缺省为现在")


def _scoped(request):
    _may(request)
    return Incident.objects.visible_to(request.user).select_related("region", "unit")


@router.get("/", response=list[IncidentOut], summary="接报事件列表（本人范围）")
@paginate(BoundedPagination)
def list_incidents(request, filters: Query[IncidentFilter.Params]):
    flt = IncidentFilter.from_api(filters)
    return flt.apply(_scoped(request)).order_by("-occurred_at", "-id")


@router.get("/dues", response=list[ReportDueOut], summary="本单位待报送的报告（含已逾期的）")
def my_dues(request):
    _may(request)
    return list(services.open_dues([request.user.unit_id] if request.user.unit_id else [])
                .select_related("desk__unit", "rule").order_by("due_at")[:500])


@router.get("/{int:incident_id}", response=IncidentDetailOut, summary="接报事件：报送链、应报事项和问题认定")
def get_incident(request, incident_id: int):
    incident = get_object_or_404(_scoped(request).select_related("enterprise"), pk=incident_id)
    incident.report_list = list(incident.reports.select_related("desk__unit"))
    incident.due_list = list(Due.objects.filter(incident=incident).select_related("desk__unit", "rule"))
    incident.flag_list = list(incident.flags.select_related("unit", "enterprise"))
    return incident


@router.post("/", response={201: IncidentOut}, summary="接报（其他系统推送：110/119/120联动、监测报警等）")
def create_incident(request, payload: IncidentIn):
    _may_take(request)
    data = payload.dict()
    user = request.user
    region = Region.objects.filter(pk=data.pop("region_id")).first()
    ent_id, ind_id, code = data.pop("enterprise_id"), data.pop("industry_id"), data.pop("accident_type")
    data["region"] = region
    data["enterprise"] = Enterprise.objects.visible_to(user).filter(pk=ent_id).select_related("region", "industry") \
        .first() if ent_id else None
    if ent_id and data["enterprise"] is None:
        raise ValidationError({"enterprise_id": "找不到该企业，或不在您的管辖范围内"})
    data["industry"] = Industry.objects.filter(pk=ind_id).first() if ind_id else None
    data["accident_type"] = AccidentType.objects.filter(code=code, group="基本事故类型").first() if code else None
    if code and data["accident_type"] is None:
        raise ValidationError({"accident_type": "未知的事故类型编码"})
    data["received_at"] = data["received_at"] or timezone.now()
    incident = services.record(user, data)
    return Status(201, Incident.objects.select_related("region", "unit").get(pk=incident.pk))


@router.post("/{int:incident_id}/reports", response={201: IncidentReportOut}, summary="报送首报、续报、终报或补报")
def post_report(request, incident_id: int, payload: IncidentReportIn):
    _may_take(request)
    get_object_or_404(_scoped(request), pk=incident_id)
    d = payload.dict()
    report = services.submit(request.user, incident_id, d["stage"], d["medium"], d["content"],
                             signed_by=d["signed_by"], at=d["at"])
    return Status(201, report)
