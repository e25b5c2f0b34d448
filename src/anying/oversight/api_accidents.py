"""Accidents API: the accidents of the caller's scope (filters as on the list page), one
accident with its investigation and 回头看, and recording a new one through the service (the
grade is computed, never sent)."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from anying.core.api_input import InputSchema, MultiLine
from anying.core.errors import PermissionDenied
from anying.core.listing import MAX_ID, BoundedPagination
from anying.core.models import Industry, Organisation, Region
from anying.standards.models import AccidentType

from . import accidents
from .filters import AccidentFilter

router = Router(tags=["生产安全事故"])


class AccidentOut(Schema):
    id: int
    occurred_at: dt.datetime
    place: str
    region: str = Field(alias="region.name")
    industry: str = Field(alias="industry.name")
    enterprise_id: int | None
    party: str = Field(alias="party_name")
    accident_type: str = Field(alias="accident_type.name")
    accident_type_code: str = Field(alias="accident_type.code")
    deaths: int
    serious_injuries: int
    minor_injuries: int
    direct_loss: Decimal
    grade: str
    grade_label: str
    status: str
    closed_on: dt.date | None
    lookback_due: dt.date | None

    @staticmethod
    def resolve_grade_label(obj):
        return obj.get_grade_display()


class InvestigationOut(Schema):
    team: str
    findings: str
    enterprise_responsibility: str
    supervision_responsibility: str
    measures: str
    report_date: dt.date


class LookBackOut(Schema):
    date: dt.date
    findings: str
    implemented: bool


class AccidentDetailOut(AccidentOut):
    summary: str
    cause: str
    reported_by: str
    unit: str = Field(alias="unit.name")
    investigation: InvestigationOut | None
    lookbacks: list[LookBackOut]

    @staticmethod
    def resolve_investigation(obj):
        return getattr(obj, "investigation", None)

    @staticmethod
    def resolve_lookbacks(obj):
        return list(obj.lookbacks.all())


class AccidentIn(InputSchema):
    occurred_at: dt.datetime
    place: str = Field(max_length=200)
    enterprise_id: int | None = Field(None, ge=1, le=MAX_ID, description="登记企业的 id；未登记单位填 party、region_id、industry_id")
    party: str = Field("", max_length=200)
    region_id: int | None = Field(None, ge=1, le=MAX_ID, description="镇街区划 id（无 enterprise_id 时必填）")
    industry_id: int | None = Field(None, ge=1, le=MAX_ID)
    accident_type: str = Field(max_length=10, description="GB 6441-2025 基本事故类型编码，如 WSA10004")
    deaths: int = Field(0, ge=0, le=100000)
    serious_injuries: int = Field(0, ge=0, le=100000)
    minor_injuries: int = Field(0, ge=0, le=100000)
    direct_loss: Decimal = Field(Decimal("0"), ge=0, max_digits=16, decimal_places=2, description="元")
    summary: MultiLine = Field(max_length=5000)
    cause: MultiLine = Field("", max_length=5000)
    reported_by: str = Field("", max_length=100)
    unit_id: int | None = Field(None, ge=1, le=MAX_ID, description="负责单位；默认事故所在镇街应急办")


def _accidents(request):
    if not request.user.has_perm_code("oversight.view"):
        raise PermissionDenied("无权查看事故")
    return accidents.visible(request.user).select_related("region", "industry", "enterprise", "accident_type", "unit")


@router.get("/", response=list[AccidentOut], summary="事故列表（本人范围）")
@paginate(BoundedPagination)
def list_accidents(request, filters: Query[AccidentFilter.Params]):
    qs = _accidents(request)
    return AccidentFilter.from_api(filters).apply(qs)


@router.get("/{int:accident_id}", response=AccidentDetailOut, summary="事故详情（含调查和回头看）")
def get_accident(request, accident_id: int):
    return get_object_or_404(_accidents(request).select_related("investigation").prefetch_related("lookbacks"),
                             pk=accident_id)


@router.post("/", response={201: AccidentDetailOut}, summary="登记事故（等级由系统计算）")
def create_accident(request, payload: AccidentIn):
    data = payload.dict()
    data["enterprise"] = data.pop("enterprise_id")
    data["region"] = Region.objects.filter(pk=data.pop("region_id") or 0).first()
    data["industry"] = Industry.objects.filter(pk=data.pop("industry_id") or 0).first()
    data["unit"] = Organisation.objects.filter(pk=data.pop("unit_id") or 0).first() if payload.unit_id else None
    if payload.unit_id and data["unit"] is None:
        raise ValidationError({"unit": "负责单位不存在"})
    data["accident_type"] = AccidentType.objects.filter(code=payload.accident_type).first()
    accident = accidents.record(request.user, data)
    return Status(201, _accidents(request).get(pk=accident.pk))
