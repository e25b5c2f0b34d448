"""Risk points API (`/api/v1/riskpoints`): the ledger, the evacuations, and the confirmation of a
household 转移到位 — the same filters, scope and services as the pages."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from anying.core.api_input import InputSchema
from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination

from . import evacuations
from .filters import DisasterPointFilter, EvacuationFilter
from .models import DisasterRiskPoint, Evacuation

router = Router(tags=["风险点与转移避险"])


def _may(request) -> None:
    if not request.user.has_perm_code("riskpoints.view"):
        raise PermissionDenied("无权查看风险点")


class PersonOut(Schema):
    name: str
    phone: str


class DisasterPointOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    region_id: int
    region: str
    longitude: Decimal | None
    latitude: Decimal | None
    households: int
    people: int
    potential_loss: Decimal
    threat: str
    threat_label: str
    status: str
    status_label: str
    closing_year: int | None
    admin_responsible: PersonOut | None
    dept_responsible: PersonOut | None
    keeper_responsible: PersonOut | None

    @staticmethod
    def resolve_kind_label(p):
        return p.get_kind_display()

    @staticmethod
    def resolve_region(p):
        return p.region.name

    @staticmethod
    def resolve_longitude(p):
        return p.place.longitude

    @staticmethod
    def resolve_latitude(p):
        return p.place.latitude

    @staticmethod
    def resolve_threat_label(p):
        return p.get_threat_display()

    @staticmethod
    def resolve_status_label(p):
        return p.get_status_display()


def _points(request):
    _may(request)
    return DisasterRiskPoint.objects.visible_to(request.user).select_related(
        "region", "place", "admin_responsible", "dept_responsible", "keeper_responsible")


@router.get("/points", response=list[DisasterPointOut], summary="灾害风险点台账")
@paginate(BoundedPagination)
def list_points(request, filters: Query[DisasterPointFilter.Params]):
    return DisasterPointFilter.from_api(filters).apply(_points(request)).order_by("region__path", "kind", "name", "id")


@router.get("/points/{int:point_id}", response=DisasterPointOut, summary="风险点")
def get_point(request, point_id: int):
    return get_object_or_404(_points(request), pk=point_id)


class EvacuationOut(Schema):
    id: int
    point_id: int
    point: str
    town: str
    trigger: str
    warning_id: int | None
    reason: str
    status: str
    status_label: str
    started_at: dt.datetime
    returned_at: dt.datetime | None
    households_total: int
    households_moved: int
    people_total: int
    people_moved: int
    version: int

    @staticmethod
    def resolve_point(e):
        return e.point.name

    @staticmethod
    def resolve_town(e):
        return e.town.name

    @staticmethod
    def resolve_status_label(e):
        return e.get_status_display()


class HouseholdMoveOut(Schema):
    household_id: int
    head: str
    people: int
    vulnerable: str
    moved: bool
    people_moved: int | None
    confirmed_at: dt.datetime | None


class EvacuationDetailOut(EvacuationOut):
    households: list[HouseholdMoveOut]


def _evacuations(request):
    _may(request)
    return Evacuation.objects.visible_to(request.user).select_related("point", "town")


@router.get("/evacuations", response=list[EvacuationOut], summary="转移避险记录")
@paginate(BoundedPagination)
def list_evacuations(request, filters: Query[EvacuationFilter.Params]):
    return EvacuationFilter.from_api(filters).apply(_evacuations(request)).order_by("-started_at", "-id")


def _detail(evac: Evacuation) -> Evacuation:
    moves = {m.household_id: m for m in evac.moves.all()}
    evac.households = [{"household_id": h.pk, "head": h.head, "people": h.people, "vulnerable": h.vulnerable_text,
                        "moved": h.pk in moves, "people_moved": moves[h.pk].people if h.pk in moves else None,
                        "confirmed_at": moves[h.pk].confirmed_at if h.pk in moves else None}
                       for h in evac.point.household_rows.all()]
    return evac


@router.get("/evacuations/{int:evacuation_id}", response=EvacuationDetailOut, summary="转移避险记录及各户到位情况")
def get_evacuation(request, evacuation_id: int):
    return _detail(get_object_or_404(_evacuations(request), pk=evacuation_id))


class ConfirmMoveIn(InputSchema):
    household_id: int = Field(ge=1, le=2_147_483_647)
    people: int | None = Field(None, ge=0, le=99, description="转移人数；不填为该户人数")
    note: str = Field("", max_length=200)
    version: int | None = Field(None, ge=1, le=2_147_483_647, description="读取时的版本号；已被他人修改则 409")


@router.post("/evacuations/{int:evacuation_id}/confirm", response=EvacuationDetailOut,
             summary="确认一户转移到位")
def confirm_move(request, evacuation_id: int, payload: ConfirmMoveIn):
    if not request.user.has_perm_code("riskpoints.evacuate"):
        raise PermissionDenied("无权确认转移到位")
    evac = get_object_or_404(_evacuations(request), pk=evacuation_id)
    evacuations.confirm(request.user, evac.pk, payload.household_id, people=payload.people, note=payload.note,
                        version=payload.version)
    return _detail(_evacuations(request).get(pk=evac.pk))
