"""Plans API under /api/v1/plans: the register (filters of the page), one plan with its structured
content, the actions of a response level (what incident activation reads), the lifecycle steps,
drills and follow-ups. Reads go through visible_to, writes through the services."""

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from anying.core.api_input import InputSchema, MultiLine
from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination

from . import services
from .filters import DrillFilter, FollowUpFilter, PlanFilter
from .models import Drill, EmergencyPlan, FollowUp, PlanAction, PlanResource, PlanRole, ResponseLevel

router = Router(tags=["应急预案与演练"])


def _need(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("无权访问应急预案与演练")


class PlanOut(Schema):
    id: int
    name: str
    level: str
    level_label: str
    hazard_type: str = Field(alias="hazard_type.code")
    hazard_type_name: str = Field(alias="hazard_type.name")
    owner_id: int
    owner: str = Field(alias="owner.name")
    enterprise_id: int | None
    parent_id: int | None
    document_number: str
    edition: str
    status: str
    issued_on: dt.date | None
    effective_from: dt.date | None
    effective_to: dt.date | None
    filing_number: str
    filed_on: dt.date | None
    filing_due: dt.date | None
    revision_due: dt.date | None
    evaluation_due: dt.date | None
    version: int

    @staticmethod
    def resolve_level_label(obj):
        return obj.get_level_display()


class LevelOut(Schema):
    id: int
    number: int
    name: str
    criteria: str

    @staticmethod
    def resolve_name(obj):
        return str(obj)


class RoleOut(Schema):
    id: int
    name: str
    unit_text: str
    duties: str
    order: int


class ActionOut(Schema):
    id: int
    level: int = Field(alias="level.number")
    role_id: int | None
    role: str | None = Field(None, alias="role.name")
    order: int
    text: str
    within_minutes: int | None


class ResourceOut(Schema):
    name: str
    quantity: str
    note: str


class PlanDetailOut(PlanOut):
    summary: str
    levels: list[LevelOut]
    roles: list[RoleOut]
    actions: list[ActionOut]
    resources: list[ResourceOut]

    @staticmethod
    def resolve_levels(obj):
        return list(ResponseLevel.objects.filter(plan=obj))

    @staticmethod
    def resolve_roles(obj):
        return list(PlanRole.objects.filter(plan=obj))

    @staticmethod
    def resolve_actions(obj):
        return list(PlanAction.objects.filter(plan=obj).select_related("level", "role"))

    @staticmethod
    def resolve_resources(obj):
        return list(PlanResource.objects.filter(plan=obj))


class PlanStepIn(InputSchema):
    comment: MultiLine = Field("", max_length=2000)
    issued_on: dt.date | None = Field(None, description="印发日期（印发 issue 时）")
    document_number: str = Field("", max_length=60, description="文号（印发 issue 时）")
    filing_number: str = Field("", max_length=60, description="备案编号（备案 file 时）")
    filed_on: dt.date | None = Field(None, description="备案日期（备案 file 时）")
    version: int | None = Field(None, ge=1, description="读取时的版本号；已被他人修改时 409")


class DrillOut(Schema):
    id: int
    name: str
    kind: str
    hazard_type: str = Field(alias="hazard_type.code")
    evacuation: bool
    plan_id: int | None
    owner_id: int
    owner: str = Field(alias="owner.name")
    year: int
    month: int
    status: str
    held_on: dt.date | None
    place: str
    units: str
    people: int | None
    partners: str


class FollowUpOut(Schema):
    id: int
    kind: str
    text: str
    unit_id: int
    unit: str = Field(alias="unit.name")
    plan_id: int | None
    source: str = Field(alias="source_label")
    due_on: dt.date
    done_at: dt.datetime | None
    note: str


def _plans(request):
    _need(request.user.has_perm_code("plans.view"))
    return EmergencyPlan.objects.visible_to(request.user).select_related("owner", "hazard_type")


@router.get("/", response=list[PlanOut], summary="应急预案台账")
@paginate(BoundedPagination)
def list_plans(request, filters: Query[PlanFilter.Params]):
    return PlanFilter.from_api(filters).apply(_plans(request)).order_by("level", "name", "id")


@router.get("/{int:plan_id}", response=PlanDetailOut, summary="预案及其响应分级、组织机构、响应措施和应急资源")
def get_plan(request, plan_id: int):
    return get_object_or_404(_plans(request), pk=plan_id)


@router.get("/{int:plan_id}/levels/{int:number}/actions", response=list[ActionOut],
            summary="按响应级别启动时的措施清单：number 1 = 一级（最高）… 4 = 四级；含该级及较低级别的全部措施，按工作组排序")
def plan_actions(request, plan_id: int, number: int):
    plan = get_object_or_404(_plans(request), pk=plan_id)
    return services.actions_for(plan, number)


@router.post("/{int:plan_id}/steps/{name}", response=PlanOut,
             summary="预案办理：submit 报审 / return 退回修改 / approve 审核通过 / issue 印发 / file 备案 / revise 启动修订")
def plan_step(request, plan_id: int, name: str, payload: PlanStepIn):
    get_object_or_404(_plans(request), pk=plan_id)
    data = {k: v for k, v in payload.dict().items() if k in ("issued_on", "document_number", "filing_number", "filed_on")
            and v}
    services.act(request.user, plan_id, name, comment=payload.comment, data=data, version=payload.version)
    return _plans(request).get(pk=plan_id)


def _drills(request):
    _need(request.user.has_perm_code("drills.view"))
    return Drill.objects.visible_to(request.user).select_related("owner", "hazard_type")


@router.get("/drills", response=list[DrillOut], summary="应急演练（计划和记录）")
@paginate(BoundedPagination)
def list_drills(request, filters: Query[DrillFilter.Params]):
    return DrillFilter.from_api(filters).apply(_drills(request)).order_by("-year", "month", "id")


@router.get("/drills/{int:drill_id}", response=DrillOut, summary="演练详情")
def get_drill(request, drill_id: int):
    return get_object_or_404(_drills(request), pk=drill_id)


@router.get("/follow-ups", response=list[FollowUpOut], summary="整改与修订任务")
@paginate(BoundedPagination)
def list_follow_ups(request, filters: Query[FollowUpFilter.Params]):
    _need(request.user.has_perm_code("plans.view"))
    qs = FollowUp.objects.visible_to(request.user).select_related("unit")
    return FollowUpFilter.from_api(filters).apply(qs).order_by("due_on", "id")
