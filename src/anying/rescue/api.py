"""Rescue teams and experts API (/api/v1/rescue): scoped lists with the pages' filters, a team's
detail, a standby report, and the district overview figures."""


import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from anying.core.api_input import InputSchema
from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination

from . import rules, services
from .filters import ExpertFilter, GrassrootsFilter, TeamFilter
from .models import Expert, GrassrootsPerson, Team, expert_fields, specialities, unpack

router = Router(tags=["救援队伍与专家"])


def _may_view(request) -> None:
    if not request.user.has_perm_code("rescue.view"):
        raise PermissionDenied("无权查看救援队伍")


class TeamOut(Schema):
    id: int
    name: str
    category: str
    category_label: str = Field(alias="get_category_display")
    parent_id: int | None
    owner_id: int
    owner: str = Field(alias="owner.name")
    region_id: int
    region: str = Field(alias="region.name")
    leader: str
    leader_phone: str
    duty_phone: str
    specialities: list[str]
    authorised_strength: int
    vehicles: int
    dispatchable: bool
    is_active: bool
    latitude: Decimal | None
    longitude: Decimal | None

    @staticmethod
    def resolve_specialities(obj):
        return unpack(obj.specialities)

    @staticmethod
    def resolve_latitude(obj):
        return obj.base.latitude if obj.base_id else None

    @staticmethod
    def resolve_longitude(obj):
        return obj.base.longitude if obj.base_id else None


class MemberOut(Schema):
    id: int
    name: str
    role: str
    phone: str
    skills: str
    joined_on: dt.date | None
    is_active: bool
    left_on: dt.date | None
    left_reason: str


class TeamDetailOut(TeamOut):
    members: list[MemberOut]
    staffing_rate: Decimal | None
    equipment_rate: Decimal | None

    @staticmethod
    def resolve_members(obj):
        return list(obj.members.all())

    @staticmethod
    def resolve_staffing_rate(obj):
        return rules.rates([obj])[obj.pk].staffing

    @staticmethod
    def resolve_equipment_rate(obj):
        return rules.rates([obj])[obj.pk].equipment


class StandbyIn(InputSchema):
    day: dt.date
    people: int = Field(ge=0, le=10000)
    vehicles: int = Field(0, ge=0, le=1000)
    equipment: str = Field("", max_length=300)
    on_duty: str = Field("", max_length=50)
    note: str = Field("", max_length=300)


class StandbyOut(Schema):
    id: int
    team_id: int
    day: dt.date
    people: int
    vehicles: int
    equipment: str


class ExpertOut(Schema):
    id: int
    name: str
    fields: list[str]
    title: str
    employer: str
    phone: str
    availability: str
    owner: str = Field(alias="owner.name")

    @staticmethod
    def resolve_fields(obj):
        return unpack(obj.fields)


class TownOut(Schema):
    region_id: int
    town: str
    teams: list[str]
    needs_team: bool
    funding: Decimal | None
    funding_standard: Decimal | None
    villages: int
    villages_with_station: int
    village_rate: Decimal | None
    villages_without_station: list[str]
    assistants: int
    informants: int
    volunteers: int


class GrassrootsOut(Schema):
    id: int
    role: str
    role_label: str = Field(alias="get_role_display")
    name: str
    region_id: int
    region: str = Field(alias="region.name")
    owner_id: int
    phone: str
    since: dt.date | None
    duties: str
    is_active: bool
    left_on: dt.date | None


class OverviewOut(Schema):
    structure: list[dict]
    counts: dict[str, int]
    staffing_rate: Decimal | None
    equipment_rate: Decimal | None
    village_rate: Decimal | None
    villages_with_station: int
    villages: int
    towns_with_team: int
    towns: int
    village_target: Decimal
    town_rows: list[TownOut]


@router.get("/teams", response=list[TeamOut], summary="救援队伍列表（本人范围）")
@paginate(BoundedPagination)
def list_teams(request, filters: Query[TeamFilter.Params]):
    _may_view(request)
    qs = Team.objects.visible_to(request.user).select_related("owner", "region", "base")
    return TeamFilter.from_api(filters).apply(qs).order_by("id")


@router.get("/teams/{int:team_id}", response=TeamDetailOut, summary="救援队伍详情（队员、配备率）")
def get_team(request, team_id: int):
    _may_view(request)
    return get_object_or_404(Team.objects.visible_to(request.user).select_related("owner", "region", "base")
                             .prefetch_related("members"), pk=team_id)


@router.post("/teams/{int:team_id}/standby", response=StandbyOut, summary="报告值班备勤（当日或次日更正）")
def post_standby(request, team_id: int, payload: StandbyIn):
    _may_view(request)
    get_object_or_404(Team.objects.visible_to(request.user), pk=team_id)
    data = payload.dict()
    return services.report_standby(request.user, team_id, data.pop("day"), **data)


@router.get("/experts", response=list[ExpertOut], summary="专家库（本人范围）")
@paginate(BoundedPagination)
def list_experts(request, filters: Query[ExpertFilter.Params]):
    if not request.user.has_perm_code("rescue.experts_view"):
        raise PermissionDenied("无权查看专家库")
    qs = Expert.objects.visible_to(request.user).filter(is_active=True).select_related("owner")
    return ExpertFilter.from_api(filters).apply(qs).order_by("id")


@router.get("/overview", response=OverviewOut, summary="队伍建设总览：2+7+14+N、配备达标率、村（社区）救援站建成率")
def get_overview(request):
    _may_view(request)
    o = rules.overview(request.user)
    return {"structure": o.structure, "counts": o.counts, "staffing_rate": o.staffing_rate,
            "equipment_rate": o.equipment_rate, "village_rate": o.village_rate,
            "villages_with_station": o.villages[0], "villages": o.villages[1],
            "towns_with_team": o.towns[0], "towns": o.towns[1], "village_target": o.village_target.value,
            "town_rows": [{"region_id": r.town.pk, "town": r.town.name, "teams": [t.name for t in r.teams],
                           "needs_team": r.needs_team, "funding": r.funding, "funding_standard": r.funding_standard,
                           "villages": r.villages, "villages_with_station": r.stations, "village_rate": r.rate,
                           "villages_without_station": r.missing_villages,
                           "assistants": r.grassroots.get("assistant", 0), "informants": r.grassroots.get("informant", 0),
                           "volunteers": r.grassroots.get("volunteer", 0)} for r in o.town_rows]}


@router.get("/grassroots", response=list[GrassrootsOut], summary="应急协管员、灾害信息员和应急志愿者（本人范围）")
@paginate(BoundedPagination)
def list_grassroots(request, filters: Query[GrassrootsFilter.Params]):
    _may_view(request)
    qs = GrassrootsPerson.objects.visible_to(request.user).select_related("region")
    return GrassrootsFilter.from_api(filters).apply(qs).order_by("id")


__all__ = ["expert_fields", "router", "specialities"]
