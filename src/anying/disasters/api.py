"""Disaster reporting API (`/api/v1/disasters`): events with each town's latest figures, the
reports, a village officer's return and a town's 零报告 — the same scope and services as the
pages."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from anying.core.api_input import InputSchema, MultiLine
from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination
from anying.core.models import Region

from . import services, summary
from .filters import EventFilter
from .models import Event, Report

router = Router(tags=["灾情报送"])


def _may(request) -> None:
    if not request.user.has_perm_code("disasters.view"):
        raise PermissionDenied("无权查看灾情")


class FiguresOut(Schema):
    affected: int
    dead: int
    missing: int
    injured: int
    evacuated: int
    resettled: int
    needing_help: int
    houses_collapsed: int
    houses_severe: int
    houses_general: int
    crops_affected: Decimal
    crops_damaged: Decimal
    crops_lost: Decimal
    loss_agriculture: Decimal
    loss_industry: Decimal
    loss_infrastructure: Decimal
    loss_public: Decimal
    loss_housing: Decimal
    loss_household: Decimal
    loss_other: Decimal
    loss_total: Decimal


class DisasterReportOut(FiguresOut):
    id: int
    event_id: int
    town_id: int
    town: str
    stage: str
    label: str
    status: str
    as_of: dt.datetime
    due_at: dt.datetime | None
    submitted_at: dt.datetime | None
    late_minutes: int
    version: int

    @staticmethod
    def resolve_town(r):
        return r.town.name


class DisasterEventOut(Schema):
    id: int
    number: str
    name: str
    kind: str
    kind_label: str
    sub_kind: str
    started_at: dt.datetime
    status: str
    status_label: str
    response_triggered: bool
    town_ids: list[int]

    @staticmethod
    def resolve_kind_label(e):
        return e.get_kind_display()

    @staticmethod
    def resolve_status_label(e):
        return e.get_status_display()

    @staticmethod
    def resolve_town_ids(e):
        return [t.pk for t in e.towns.all()]


class TownRowOut(Schema):
    town_id: int
    town: str
    late: bool
    report: DisasterReportOut | None


class DisasterEventDetailOut(DisasterEventOut):
    towns: list[TownRowOut] = Field(alias="town_rows")  # only the towns of the reader's territory
    totals: FiguresOut = Field(alias="town_totals")


def _events(request):
    _may(request)
    return Event.objects.visible_to(request.user).prefetch_related("towns")


@router.get("/events", response=list[DisasterEventOut], summary="灾害过程")
@paginate(BoundedPagination)
def list_events(request, filters: Query[EventFilter.Params]):
    return EventFilter.from_api(filters).apply(_events(request)).order_by("-started_at", "-id")


@router.get("/events/{int:event_id}", response=DisasterEventDetailOut, summary="灾害过程及各镇街最新报告与合计")
def get_event(request, event_id: int):
    event = get_object_or_404(_events(request), pk=event_id)
    from anying.core.scope import covers

    rows = [r for r in summary.town_rows(event) if covers(request.user, r["town"])]
    event.town_rows = [{"town_id": r["town"].pk, "town": r["town"].name, "late": r["late"], "report": r["report"]}
                       for r in rows]
    event.town_totals = summary.totals([r["report"] for r in rows if r["report"]])
    return event


@router.get("/events/{int:event_id}/reports", response=list[DisasterReportOut], summary="灾害过程的镇街报告")
@paginate(BoundedPagination)
def list_reports(request, event_id: int):
    event = get_object_or_404(_events(request), pk=event_id)
    return Report.objects.visible_to(request.user).filter(event=event).select_related("town").order_by("created_at", "id")


def _count():
    return Field(0, ge=0, le=10_000_000)


def _area_or_money():
    return Field(Decimal(0), ge=0, le=Decimal("999999999.99"), decimal_places=2)


class VillageReturnIn(InputSchema):
    """The village's cumulative figures: people and rooms as whole numbers, 公顷 and 万元 with two decimals."""
    affected: int = _count()
    dead: int = _count()
    missing: int = _count()
    injured: int = _count()
    evacuated: int = _count()
    resettled: int = _count()
    needing_help: int = _count()
    houses_collapsed: int = _count()
    houses_severe: int = _count()
    houses_general: int = _count()
    crops_affected: Decimal = _area_or_money()
    crops_damaged: Decimal = _area_or_money()
    crops_lost: Decimal = _area_or_money()
    loss_agriculture: Decimal = _area_or_money()
    loss_industry: Decimal = _area_or_money()
    loss_infrastructure: Decimal = _area_or_money()
    loss_public: Decimal = _area_or_money()
    loss_housing: Decimal = _area_or_money()
    loss_household: Decimal = _area_or_money()
    loss_other: Decimal = _area_or_money()
    note: MultiLine = Field("", max_length=2000)

    model_config = {"extra": "forbid"}  # an indicator the schema does not know is an error, not a silent 0


class VillageReturnOut(Schema):
    id: int
    event_id: int
    village: str
    submitted_at: dt.datetime
    affected: int
    evacuated: int
    dead: int
    missing: int

    @staticmethod
    def resolve_village(v):
        return v.village.name


@router.post("/events/{int:event_id}/village-returns", response={201: VillageReturnOut},
             summary="村（社区）灾害信息员报送本村灾情（累计数）")
def post_village_return(request, event_id: int, payload: VillageReturnIn):
    if not request.user.has_perm_code("disasters.village"):
        raise PermissionDenied("只有村（社区）灾害信息员可以报送村灾情")
    event = get_object_or_404(_events(request), pk=event_id)
    data = payload.dict()
    note = data.pop("note")
    return Status(201, services.file_village_return(request.user, event, figures=data, note=note))


class ZeroIn(InputSchema):
    town_id: int = Field(ge=1, le=2_147_483_647)
    nothing_happened: bool = True
    note: str = Field("", max_length=300)


class ZeroOut(Schema):
    id: int
    town_id: int
    day: dt.date
    filed_at: dt.datetime | None
    nothing_happened: bool
    late_minutes: int


@router.post("/zero-reports", response={201: ZeroOut}, summary="镇街报送今日零报告")
def post_zero(request, payload: ZeroIn):
    if not request.user.has_perm_code("disasters.report"):
        raise PermissionDenied("无权报送零报告")
    town = get_object_or_404(Region.objects.filter(level=Region.Level.TOWN), pk=payload.town_id)
    return Status(201, services.file_zero(request.user, town, nothing_happened=payload.nothing_happened,
                                          note=payload.note))
