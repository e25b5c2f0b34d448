"""Risk points over the API (/api/v1/risk-points): list, detail, create — scoped like the pages."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from anying.core.api_input import InputSchema, MultiLine
from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination
from anying.standards.models import AccidentType

from . import risks
from .models import Enterprise, RiskArea, RiskPoint

router = Router(tags=["风险分级管控"])


class RiskPointOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str = Field(..., alias="enterprise.name")
    region: str = Field(..., alias="region.name")
    industry: str = Field(..., alias="industry.name")
    area_id: int
    area: str = Field(..., alias="area.name")
    activity: str
    hazard: str
    accident_type: str = Field(..., alias="accident_type.code")
    accident_type_name: str = Field(..., alias="accident_type.name")
    control_engineering: str
    control_management: str
    control_training: str
    control_ppe: str
    control_emergency: str
    responsible: str
    method: str
    inherent_l: Decimal
    inherent_e: Decimal | None
    inherent_c: Decimal
    inherent_score: Decimal
    inherent_level: str
    residual_l: Decimal
    residual_e: Decimal | None
    residual_c: Decimal
    residual_score: Decimal
    level: str
    updated_at: datetime


class RiskPointIn(InputSchema):
    enterprise_id: int = Field(..., ge=1, le=2**31 - 1)
    area_id: int = Field(..., ge=1, le=2**31 - 1)
    activity: str = Field(..., max_length=100)
    hazard: MultiLine = Field(..., max_length=1000)
    accident_type: str = Field(..., max_length=10, description="GB 6441-2025 编码，如 WSA10004")
    control_engineering: MultiLine = Field("", max_length=1000)
    control_management: MultiLine = Field("", max_length=1000)
    control_training: MultiLine = Field("", max_length=1000)
    control_ppe: MultiLine = Field("", max_length=1000)
    control_emergency: MultiLine = Field("", max_length=1000)
    responsible: str = Field(..., max_length=50)
    method: str = Field(..., description="lec / ls")
    inherent_l: Decimal
    inherent_e: Decimal | None = Field(None, description="仅 LEC")
    inherent_c: Decimal = Field(..., description="LEC 的 C，LS 的 S")
    residual_l: Decimal
    residual_e: Decimal | None = None
    residual_c: Decimal


def _queryset(user):
    return RiskPoint.objects.visible_to(user).current().select_related("enterprise", "region", "industry", "area",
                                                              "accident_type")


@router.get("/", response=list[RiskPointOut], summary="风险点列表")
@paginate(BoundedPagination)
def list_points(request, filters: Query[risks.RiskPointFilter.Params]):
    return risks.RiskPointFilter.from_api(filters).apply(_queryset(request.user)).order_by("id")


@router.get("/{int:point_id}", response=RiskPointOut, summary="风险点详情")
def get_point(request, point_id: int):
    return get_object_or_404(_queryset(request.user), pk=point_id)


@router.post("/", response={201: RiskPointOut}, summary="登记风险点")
def create_point(request, payload: RiskPointIn):
    if not request.user.has_perm_code("risk.assess"):
        raise PermissionDenied()
    ent = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=payload.enterprise_id)
    data = payload.dict(exclude={"enterprise_id", "area_id", "accident_type"})
    errors = {}
    data["area"] = RiskArea.objects.filter(pk=payload.area_id, enterprise=ent).first()
    if data["area"] is None:
        errors["area_id"] = "该企业没有这个风险区域"
    data["accident_type"] = AccidentType.objects.filter(code=payload.accident_type, group="基本事故类型").first()
    if data["accident_type"] is None:
        errors["accident_type"] = "不是 GB 6441-2025 的基本事故类型编码"
    if errors:
        raise ValidationError(errors)
    point = risks.save_point(request.user, ent, data)
    return Status(201, _queryset(request.user).get(pk=point.pk))
