from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from anying.core.api_input import InputSchema
from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination
from anying.core.models import Industry, Region

from . import services
from .models import Enterprise, RiskTag
from .queries import EnterpriseFilter, list_queryset

router = Router(tags=["生产经营单位"])


class EnterpriseOut(Schema):
    id: int
    credit_code: str
    name: str
    address: str
    region_id: int
    region: str = Field(..., alias="region.name")
    industry_id: int
    industry: str = Field(..., alias="industry.name")
    scale: str
    employees: int | None
    status: str
    tags: list[str]
    legal_representative: str
    contact_name: str
    contact_phone: str
    latitude: Decimal | None
    longitude: Decimal | None
    coord_system: str
    std_grade: str
    std_status: str
    std_certificate_date: date | None
    std_expiry_date: date | None
    insurer: str
    insurance_policy: str
    insurance_start: date | None
    insurance_end: date | None
    updated_at: datetime

    @staticmethod
    def resolve_tags(obj):
        return [t.code for t in obj.tags.all()]


class EnterpriseIn(InputSchema):
    credit_code: str | None = None
    name: str | None = None
    address: str | None = None
    region_id: int | None = None
    industry_id: int | None = None
    scale: str | None = None
    employees: int | None = None
    status: str | None = None
    tags: list[str] | None = None
    legal_representative: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    coord_system: str | None = None
    std_grade: str | None = None
    std_status: str | None = None
    std_certificate_date: date | None = None
    std_expiry_date: date | None = None
    std_note: str | None = None
    insurer: str | None = None
    insurance_policy: str | None = None
    insurance_start: date | None = None
    insurance_end: date | None = None


def _resolve(payload: EnterpriseIn, partial: bool) -> tuple[dict, list | None]:
    """Turn API input into service data; unknown references become 422 field errors."""
    data = payload.dict(exclude_unset=partial)
    if not partial:
        data = {k: v for k, v in data.items() if v is not None}
        for required in ("credit_code", "name", "region_id", "industry_id"):
            if required not in data:
                raise ValidationError({required.removesuffix("_id"): "必填"})
    errors = {}
    tags = None
    if "region_id" in data:
        region = Region.objects.filter(pk=data.pop("region_id"), level=Region.Level.TOWN).first()
        if region is None:
            errors["region"] = "镇街不存在"
        data["region"] = region
    if "industry_id" in data:
        industry = Industry.objects.filter(pk=data.pop("industry_id")).first()
        if industry is None:
            errors["industry"] = "行业不存在"
        data["industry"] = industry
    if "tags" in data:
        codes = data.pop("tags") or []
        tags = list(RiskTag.objects.filter(code__in=codes))
        unknown = set(codes) - {t.code for t in tags}
        if unknown:
            errors["tags"] = "未知风险标签：" + "、".join(sorted(unknown))
    for key in ("std_grade", "address", "legal_representative", "contact_name", "contact_phone", "std_note",
                "insurer", "insurance_policy"):
        if key in data and data[key] is None:
            data[key] = ""
    if errors:
        raise ValidationError(errors)
    return data, tags


@router.get("/", response=list[EnterpriseOut], summary="生产经营单位列表")
@paginate(BoundedPagination)
def list_enterprises(request, filters: Query[EnterpriseFilter.Params]):
    return list_queryset(request.user, EnterpriseFilter.from_api(filters)).prefetch_related("tags").order_by("id")


@router.get("/{int:enterprise_id}", response=EnterpriseOut, summary="生产经营单位详情")
def get_enterprise(request, enterprise_id: int):
    return get_object_or_404(list_queryset(request.user, EnterpriseFilter()).prefetch_related("tags"), pk=enterprise_id)


@router.post("/", response={201: EnterpriseOut}, summary="登记生产经营单位")
def create_enterprise(request, payload: EnterpriseIn):
    if not request.user.has_perm_code("registry.edit"):
        raise PermissionDenied()  # a read-only role learns that first, not which fields are missing
    data, tags = _resolve(payload, partial=False)
    ent = services.create_enterprise(request.user, data, tags=tags)
    return Status(201, Enterprise.objects.select_related("region", "industry").prefetch_related("tags").get(pk=ent.pk))


@router.patch("/{int:enterprise_id}", response=EnterpriseOut, summary="修改生产经营单位")
def update_enterprise(request, enterprise_id: int, payload: EnterpriseIn):
    ent = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=enterprise_id)
    if not request.user.has_perm_code("registry.edit") and not request.user.has_perm_code("registry.edit_own"):
        raise PermissionDenied()
    data, tags = _resolve(payload, partial=True)
    services.update_enterprise(request.user, ent, data, tags=tags)
    return Enterprise.objects.select_related("region", "industry").prefetch_related("tags").get(pk=ent.pk)
