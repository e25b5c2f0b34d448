"""Training API (`/api/v1/training`): the sessions with the page's filters, one session with its
attendees, recording a session, the people with their hours of a year, the coverage per town
and industry — the same scope and services as the pages."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from anying.core.api_input import InputSchema
from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination
from anying.registry.models import Enterprise

from . import services
from .filters import SessionFilter, TraineeFilter
from .models import Session, Trainee

router = Router(tags=["安全培训"])


def _need(request):
    if not request.user.has_perm_code("training.view"):
        raise PermissionDenied("无权查看安全培训记录")


def _may_record(request):
    if not request.user.has_perm_code("training.record"):
        raise PermissionDenied("无权登记培训记录")


def _sessions(request):
    _need(request)
    return Session.objects.visible_to(request.user).select_related("enterprise")


class AttendanceOut(Schema):
    trainee_id: int
    name: str
    post: str
    key_person_kind: str
    score: int | None
    passed: bool


class SessionOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str
    kind: str
    kind_label: str
    topic: str
    held_on: dt.date
    hours: Decimal
    trainer: str
    place: str
    has_exam: bool
    pass_mark: int

    @staticmethod
    def resolve_enterprise(s):
        return s.enterprise.name

    @staticmethod
    def resolve_kind_label(s):
        return s.get_kind_display()


class SessionDetailOut(SessionOut):
    attendees: list[AttendanceOut]

    @staticmethod
    def resolve_attendees(s):
        return [{"trainee_id": a.trainee_id, "name": a.trainee.name, "post": a.trainee.post,
                 "key_person_kind": a.trainee.key_person.kind if a.trainee.key_person_id else "",
                 "score": a.score, "passed": a.passed}
                for a in s.attendances.select_related("trainee", "trainee__key_person").order_by("id")]


@router.get("/sessions", response=list[SessionOut], summary="培训记录")
@paginate(BoundedPagination)
def list_sessions(request, filters: Query[SessionFilter.Params]):
    return SessionFilter.from_api(filters).apply(_sessions(request)).order_by("-held_on", "-id")


@router.get("/sessions/{int:session_id}", response=SessionDetailOut, summary="培训记录（含参训人员和成绩）")
def get_session(request, session_id: int):
    return get_object_or_404(_sessions(request), pk=session_id)


class AttendeeIn(InputSchema):
    name: str = Field(max_length=50)
    post: str = Field("", max_length=100)
    score: int | None = Field(None, ge=0, le=100)


class SessionIn(InputSchema):
    kind: str = Field(max_length=20, description="level_company / level_workshop / level_team 三级安全教育；refresher；"
                                                 "transfer；leader；special；other")
    topic: str = Field(max_length=200)
    held_on: dt.date
    hours: Decimal = Field(ge=Decimal("0.5"), le=200)
    trainer: str = Field(max_length=100)
    place: str = Field("", max_length=100)
    has_exam: bool = True
    pass_mark: int = Field(60, ge=0, le=100)
    attendees: list[AttendeeIn] = Field(max_length=500)


@router.post("/sessions", response={201: SessionDetailOut}, summary="登记本企业的培训记录")
def create_session(request, payload: SessionIn):
    _may_record(request)
    ent = Enterprise.objects.visible_to(request.user).order_by("id").first()
    data = payload.dict()
    session = services.save_session(request.user, ent.pk if ent else 0, data)
    return Status(201, _sessions(request).get(pk=session.pk))


def _compliance(t, context) -> dict:
    """Hours against the minimum for one row: the year and the industry codes are read once per
    request (kept on it)."""
    request = context["request"]
    if not hasattr(request, "_training"):
        raw = request.GET.get("year", "")
        year = int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else timezone.localdate().year
        request._training = (year, services.industry_codes())
    year, codes = request._training
    return services.compliance(t, year, codes, t.enterprise.industry_id)


class TraineeOut(Schema):
    id: int
    enterprise_id: int
    name: str
    post: str
    key_person_kind: str
    hired_on: dt.date | None
    year_hours: Decimal
    required_hours: Decimal
    requirement: str
    short: bool

    @staticmethod
    def resolve_key_person_kind(t):
        return t.key_person.kind if t.key_person_id else ""

    @staticmethod
    def resolve_required_hours(t, context):
        return _compliance(t, context)["need"]

    @staticmethod
    def resolve_requirement(t, context):
        return _compliance(t, context)["label"]

    @staticmethod
    def resolve_short(t, context):
        return _compliance(t, context)["short"]


@router.get("/people", response=list[TraineeOut], summary="培训档案人员及当年学时（year：年度，默认今年）")
@paginate(BoundedPagination)
def list_people(request, filters: Query[TraineeFilter.Params],
                year: int | None = Query(None, ge=2000, le=2100, description="年度，默认今年")):
    _need(request)
    year = year or timezone.localdate().year
    qs = TraineeFilter.from_api(filters).apply(Trainee.objects.visible_to(request.user).filter(is_active=True))
    return services.with_hours(qs, year).select_related("enterprise", "key_person").order_by("enterprise_id", "name",
                                                                                            "id")


class CoverageRow(Schema):
    id: int | None = None
    name: str
    enterprises: int
    covered: int
    pct: float | None
    target_pct: int | None


class CoverageOut(Schema):
    year: int
    towns: list[CoverageRow]
    industries: list[CoverageRow]
    total: CoverageRow


@router.get("/coverage", response=CoverageOut, summary="主要负责人和安全管理人员培训覆盖率（按镇街、行业）")
def get_coverage(request, year: int | None = Query(None, ge=2000, le=2100, description="年度，默认今年")):
    _need(request)
    year = year or timezone.localdate().year
    data = services.coverage(Enterprise.objects.visible_to(request.user), year)

    def out(r):
        return {**r, "target_pct": r["target"].coverage_pct if r.get("target") else None}

    return {"year": year, "towns": [out(r) for r in data["towns"]], "industries": [out(r) for r in data["industries"]],
            "total": out(data["total"])}
