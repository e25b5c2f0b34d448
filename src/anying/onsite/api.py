"""On-site register API (`/api/v1/onsite`): the days on site, recording a day, the meetings, and
the month's table per mine — the same scope and services as the pages."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from anying.core.api_input import InputSchema, MultiLine
from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination
from anying.registry.models import Enterprise

from . import services
from .models import Meeting, OnsiteDay

router = Router(tags=["矿山在岗履职"])
MAX_ID = 2**63 - 1


def _need(request):
    if not request.user.has_perm_code("onsite.view"):
        raise PermissionDenied("无权查看在岗履职")


def _may_record(request):
    if not request.user.has_perm_code("onsite.record"):
        raise PermissionDenied("无权登记在岗履职")


def _month(raw: str) -> dt.date:
    """"2026-11" → its first day; anything else is refused in Chinese."""
    if len(raw) == 7 and raw.isascii() and raw[:4].isdigit() and raw[4] == "-" and raw[5:].isdigit() \
            and 2000 <= int(raw[:4]) <= 2100 and 1 <= int(raw[5:]) <= 12:
        return dt.date(int(raw[:4]), int(raw[5:]), 1)
    raise ValidationError({"month": "月份格式应为 2026-11"})


class DayOut(Schema):
    id: int
    enterprise_id: int
    person_id: int
    person: str
    kind: str
    day: dt.date
    work: str
    late: bool

    @staticmethod
    def resolve_person(d):
        return d.person.name

    @staticmethod
    def resolve_kind(d):
        return d.person.kind


@router.get("/days", response=list[DayOut], summary="在岗履职登记")
@paginate(BoundedPagination)
def list_days(request, month: str | None = Query(None, max_length=7, description="月份，如 2026-11"),
              enterprise: int | None = Query(None, ge=1, le=MAX_ID, description="企业")):
    _need(request)
    qs = OnsiteDay.objects.visible_to(request.user).select_related("person")
    if month:
        day = _month(month)
        qs = qs.filter(day__year=day.year, day__month=day.month)
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    return qs.order_by("-day", "person_id")


class DayIn(InputSchema):
    person_id: int = Field(ge=1, le=MAX_ID, description="实际控制人或总工程师（关键人员 id）")
    day: dt.date
    work: str = Field(max_length=300)


@router.post("/days", response={201: DayOut}, summary="登记本企业实际控制人、总工程师的一天在岗履职")
def create_day(request, payload: DayIn):
    _may_record(request)
    ent = Enterprise.objects.visible_to(request.user).order_by("id").first()
    row = services.record_day(request.user, ent.pk if ent else 0,
                              {"person": payload.person_id, "day": payload.day, "work": payload.work})
    return Status(201, OnsiteDay.objects.select_related("person").get(pk=row.pk))


class MeetingOut(Schema):
    id: int
    enterprise_id: int
    held_on: dt.date
    topics: str
    attendees: str
    minutes: str


@router.get("/meetings", response=list[MeetingOut], summary="安全生产重大问题会议纪要")
@paginate(BoundedPagination)
def list_meetings(request):
    _need(request)
    return Meeting.objects.visible_to(request.user).order_by("-held_on", "-id")


class MeetingIn(InputSchema):
    held_on: dt.date
    topics: str = Field(max_length=500)
    attendees: str = Field(max_length=300)
    minutes: MultiLine = Field(max_length=5000)


@router.post("/meetings", response={201: MeetingOut}, summary="登记本企业的月度会议纪要（扫描件在页面上传）")
def create_meeting(request, payload: MeetingIn):
    _may_record(request)
    ent = Enterprise.objects.visible_to(request.user).order_by("id").first()
    return Status(201, services.save_meeting(request.user, ent.pk if ent else 0, payload.dict()))


class PersonMonth(Schema):
    person_id: int
    name: str
    kind: str
    working_days: int
    days: int
    late: int
    minimum: int
    met: bool
    gaps: list[str]


class MineMonth(Schema):
    enterprise_id: int
    enterprise: str
    persons: list[PersonMonth]
    meetings: int
    meeting_met: bool
    missing: list[str]
    short: bool
    closed: bool


@router.get("/months", response=list[MineMonth], summary="矿山当月在岗履职达标情况")
def months(request, month: str | None = Query(None, max_length=7, description="月份，如 2026-11；默认本月")):
    _need(request)
    day = _month(month) if month else timezone.localdate().replace(day=1)
    rows = services.month_table(Enterprise.objects.visible_to(request.user), day)
    return [{"enterprise_id": r["enterprise"].pk, "enterprise": r["enterprise"].name,
             "persons": [{"person_id": p["person"].pk, "name": p["person"].name, "kind": p["person"].kind,
                          **{k: p[k] for k in ("working_days", "days", "late", "minimum", "met", "gaps")}}
                         for p in r["persons"]],
             **{k: r[k] for k in ("meetings", "meeting_met", "missing", "short", "closed")}} for r in rows]
