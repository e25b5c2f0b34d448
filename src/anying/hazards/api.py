from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from anying.core.api_input import InputSchema, MultiLine
from anying.core.attachments import attach
from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination
from anying.registry.models import Enterprise
from anying.standards.models import AccidentType, Criterion

from . import services
from .models import Hazard
from .queries import HazardFilter, list_queryset

router = Router(tags=["事故隐患"])


class HazardOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str = Field(alias="enterprise.name")
    region: str = Field(alias="region.name")
    industry: str = Field(alias="industry.name")
    place: str
    description: str
    category: str
    accident_type: str | None
    level: str
    criterion: str | None
    channel: str
    found_by: str
    found_on: date
    status: str
    responsible_person: str
    measures: str
    funds: Decimal | None
    deadline: date | None
    review_due: date | None
    closed_on: date | None
    version: int

    @staticmethod
    def resolve_accident_type(obj):
        return obj.accident_type.code if obj.accident_type_id else None

    @staticmethod
    def resolve_channel(obj, context):
        # an enterprise never sees 群众举报 (models.shown_channel)
        request = (context or {}).get("request")
        return obj.channel_for(getattr(request, "user", None))

    @staticmethod
    def resolve_criterion(obj):
        return f"{obj.criterion.criteria_set.code}:{obj.criterion.reference}" if obj.criterion_id else None


class HazardIn(InputSchema):
    enterprise_id: int
    place: str
    description: MultiLine
    category: str = Hazard.Category.SITE
    accident_type: str | None = None  # GB 6441-2025 code, e.g. WSA10001
    level: str = Hazard.Level.GENERAL
    criterion_id: int | None = None
    channel: str = Hazard.Channel.INSPECTION
    found_by: str
    found_on: date


class TransitionIn(InputSchema):
    name: str
    comment: MultiLine = ""
    evidence_ids: list[int] = []  # files uploaded to the hazard in this round, not yet used
    version: int | None = None  # the version the client read; a stale one answers 409
    responsible_person: str | None = None
    measures: MultiLine | None = None
    funds: Decimal | None = None
    deadline: date | None = None
    plan: dict[str, MultiLine] | None = None


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    mime_type: str


def _scoped(request):
    return list_queryset(request.user, HazardFilter()).select_related("accident_type", "criterion__criteria_set")


@router.get("/", response=list[HazardOut], summary="隐患列表")
@paginate(BoundedPagination)
def list_hazards(request, filters: Query[HazardFilter.Params]):
    return list_queryset(request.user, HazardFilter.from_api(filters)).select_related("accident_type", "criterion__criteria_set").order_by("id")


@router.get("/{int:hazard_id}", response=HazardOut, summary="隐患详情")
def get_hazard(request, hazard_id: int):
    return get_object_or_404(_scoped(request), pk=hazard_id)


@router.post("/", response={201: HazardOut}, summary="登记隐患")
def create_hazard(request, payload: HazardIn):
    if not request.user.has_perm_code("hazards.act"):
        raise PermissionDenied()
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=payload.enterprise_id)
    data = payload.dict(exclude={"enterprise_id", "accident_type", "criterion_id"})
    errors = {}
    if payload.accident_type:
        data["accident_type"] = AccidentType.objects.filter(code=payload.accident_type).first()
        if data["accident_type"] is None:
            errors["accident_type"] = "未知事故类型编码"
    if payload.criterion_id:
        data["criterion"] = Criterion.objects.filter(pk=payload.criterion_id, is_item=True).first()
        if data["criterion"] is None:
            errors["criterion"] = "判定标准条目不存在"
    if errors:
        raise ValidationError(errors)
    hazard = services.register(request.user, {**data, "enterprise": enterprise})
    return Status(201, _scoped(request).get(pk=hazard.pk))


@router.post("/{int:hazard_id}/attachments", response={201: AttachmentOut}, summary="上传照片或材料")
def upload(request, hazard_id: int, file: File[UploadedFile]):
    hazard = get_object_or_404(_scoped(request), pk=hazard_id)
    if not request.user.has_perm_code("hazards.act"):
        raise PermissionDenied()
    with transaction.atomic():
        attachment = attach(request.user, hazard, file)
    return Status(201, {"id": attachment.pk, "name": attachment.original_name, "size": attachment.size,
                        "mime_type": attachment.mime_type})


@router.post("/{int:hazard_id}/transitions", response=HazardOut, summary="执行流程操作（开始整改、提交复查、退回整改、审核销号）")
def take_transition(request, hazard_id: int, payload: TransitionIn):
    hazard = get_object_or_404(_scoped(request), pk=hazard_id)
    changes = {k: v for k, v in payload.dict(include={"responsible_person", "measures", "funds", "deadline"}).items()
               if v is not None}
    services.transition(request.user, hazard.pk, payload.name, comment=payload.comment,
                        evidence_ids=payload.evidence_ids, changes=changes, plan=payload.plan, version=payload.version)
    return _scoped(request).get(pk=hazard.pk)
