"""Enforcement API: annual plans, random draws, inspections and penalties — read everything in
scope, start a draw. The same scope and services as the pages."""

from datetime import date
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from anying.core.api_input import InputSchema
from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination

from . import draws, plans, records
from .filters import InspectionFilter, PenaltyFilter, PlanItemFilter
from .models import Draw, Inspection, Penalty

router = Router(tags=["执法检查"])


class PlanOut(Schema):
    id: int
    unit: str = Field(alias="unit.name")
    year: int
    status: str
    items: int = Field(alias="total")
    approved_at: date | None

    @staticmethod
    def resolve_approved_at(obj):
        return obj.approved_at.date() if obj.approved_at else None


class PlanItemOut(Schema):
    enterprise_id: int
    enterprise: str = Field(alias="enterprise.name")
    month: int
    last_inspected: date | None



class DrawTargetOut(Schema):
    position: int
    enterprise_id: int
    enterprise: str = Field(alias="enterprise.name")
    category: str
    inspectors: list[str]

    @staticmethod
    def resolve_inspectors(obj):
        return [f"{i.name}（{i.certificate_no}）" for i in obj.inspectors.all()]


class DrawOut(Schema):
    id: int
    unit: str = Field(alias="unit.name")
    title: str
    drawn_on: date
    algorithm: str
    seed: str
    params: dict
    digest: str
    public_token: str
    targets: list[DrawTargetOut]

    @staticmethod
    def resolve_targets(obj, context):
        targets = draws.visible_targets(context["request"].user, obj)
        return list(targets.select_related("enterprise").prefetch_related("inspectors"))


class DrawIn(InputSchema):
    title: str
    targets: int
    ratios: dict[str, float]
    inspectors_per_target: int = 2


class InspectionOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str = Field(alias="enterprise.name")
    unit: str = Field(alias="unit.name")
    inspected_on: date
    status: str
    findings: int
    open_findings: int = Field(alias="open_count")





class PenaltyOut(Schema):
    id: int
    enterprise_id: int
    party_name: str
    unit: str = Field(alias="unit.name")
    procedure: str
    amount: Decimal
    status: str
    filed_on: date
    decide_by: date
    decide_within: int  # days from filing: 30, or 90 / 180 after a recorded extension
    decided_on: date | None
    pay_by: date | None
    paid_on: date | None
    paid_amount: Decimal | None



@router.get("/plans", response=list[PlanOut], summary="年度执法计划列表")
@paginate(BoundedPagination)
def list_plans(request):

    return plans.with_item_counts(request.user, plans.visible_plans(request.user)).order_by("-year", "id")


@router.get("/plans/{int:plan_id}/items", response=list[PlanItemOut], summary="计划检查对象")
@paginate(BoundedPagination)
def plan_items(request, plan_id: int, filters: Query[PlanItemFilter.Params]):
    flt = PlanItemFilter.from_api(filters)
    plan = get_object_or_404(plans.visible_plans(request.user), pk=plan_id)
    return flt.apply(plans.visible_items(request.user, plan)).select_related("enterprise").order_by("month", "id")


@router.get("/draws", response=list[DrawOut], summary="双随机抽取列表")
@paginate(BoundedPagination)
def list_draws(request):
    return draws.visible_to(request.user).order_by("-drawn_at")


@router.get("/draws/{int:draw_id}", response=DrawOut, summary="双随机抽取详情")
def get_draw(request, draw_id: int):
    return get_object_or_404(draws.visible_to(request.user), pk=draw_id)


@router.post("/draws", response={201: DrawOut}, summary="进行一次双随机抽取（本单位）")
def create_draw(request, payload: DrawIn):
    if not request.user.has_perm_code("inspections.plan"):
        raise PermissionDenied()
    record = draws.draw(request.user, request.user.unit, title=payload.title, targets=payload.targets,
                        ratios=payload.ratios, inspectors_per_target=payload.inspectors_per_target)
    return Status(201, Draw.objects.select_related("unit").get(pk=record.pk))


def _inspections(request):
    return records.with_open_findings(Inspection.objects.visible_to(request.user)).select_related("enterprise", "unit")


@router.get("/", response=list[InspectionOut], summary="执法检查列表")
@paginate(BoundedPagination)
def list_inspections(request, filters: Query[InspectionFilter.Params]):
    return InspectionFilter.from_api(filters).apply(_inspections(request)).order_by("-inspected_on", "-id")


@router.get("/{int:inspection_id}", response=InspectionOut, summary="执法检查详情")
def get_inspection(request, inspection_id: int):
    return get_object_or_404(_inspections(request), pk=inspection_id)


@router.get("/penalties", response=list[PenaltyOut], summary="行政处罚列表")
@paginate(BoundedPagination)
def list_penalties(request, filters: Query[PenaltyFilter.Params]):
    qs = Penalty.objects.visible_to(request.user).select_related("unit").order_by("-filed_on", "-id")
    return PenaltyFilter.from_api(filters).apply(qs)


@router.get("/penalties/{int:penalty_id}", response=PenaltyOut, summary="行政处罚详情")
def get_penalty(request, penalty_id: int):
    return get_object_or_404(Penalty.objects.visible_to(request.user).select_related("unit"), pk=penalty_id)
