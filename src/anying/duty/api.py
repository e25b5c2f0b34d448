"""Duty API (`/api/v1/duty`): who is on duty now, a unit's shifts with their people and gaps, one
shift with its log, and writing the log — the same rules as the pages (services.py)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from anying.core.api_input import InputSchema
from anying.core.errors import PermissionDenied

from . import rules, services
from .models import LogEntry, Shift
from .views import desks

router = Router(tags=["值班值守"])


def _may_view(request) -> None:
    if not request.user.has_perm_code("duty.view"):
        raise PermissionDenied("无权查看值班")


class PersonOut(Schema):
    post: str = Field(alias="post.name")
    post_code: str = Field(alias="post.code")
    name: str
    phone: str
    title: str
    side: str


class DeskOut(Schema):
    unit_id: int
    unit: str
    shift_id: int | None
    duty_phone: str
    people: list[PersonOut]


class GapOut(Schema):
    post: str
    need: int
    have: int
    reason: str


class ShiftOut(Schema):
    id: int
    unit_id: int
    date: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    duty_phone: str
    published: bool
    people: list[PersonOut]
    gaps: list[GapOut]


class LogOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    source: str
    content: str
    open: bool
    closed_at: dt.datetime | None


class ShiftDetailOut(ShiftOut):
    log: list[LogOut]
    handed_over_at: dt.datetime | None
    received_at: dt.datetime | None


class ShiftRange(Schema):
    unit: int = Field(description="值班单位 id")
    first: dt.date = Field(description="开始日期")
    last: dt.date = Field(description="结束日期")


class LogIn(InputSchema):
    at: dt.datetime | None = Field(None, description="时间，缺省为现在")
    kind: str = Field(max_length=12, description="类型：call 来电来访/接报，instruction 上级指示，action 处置情况，"
                                                 "todo 待办事项，other 其他")
    source: str = Field("", max_length=100)
    content: str = Field(min_length=1, max_length=5000)
    open: bool = False


@router.get("/on-duty", response=list[DeskOut], summary="当前值班（本单位及下级）")
def on_duty(request):
    _may_view(request)
    units = list(desks(request.user))
    now = timezone.now()
    shifts = {s.unit_id: s for s in Shift.objects.filter(unit__in=units, starts_at__lte=now, ends_at__gt=now)}
    people: dict[int, list] = {}
    for a in services.on_duty([u.pk for u in units], now):
        people.setdefault(a.shift.unit_id, []).append(a)
    return [{"unit_id": u.pk, "unit": u.name, "shift_id": shifts[u.pk].pk if u.pk in shifts else None,
             "duty_phone": shifts[u.pk].duty_phone if u.pk in shifts else "", "people": people.get(u.pk, [])}
            for u in units]


def _shift_out(shift: Shift, gaps) -> dict:
    return {**{f: getattr(shift, f) for f in ("id", "unit_id", "date", "starts_at", "ends_at", "duty_phone",
                                             "published")},
            "people": list(shift.assignments.all()),
            "gaps": [{"post": g.post.name, "need": g.need, "have": g.have, "reason": g.reason} for g in gaps]}


@router.get("/shifts", response=list[ShiftOut], summary="值班表：某单位一段日期的班次、人员和缺岗（最多 62 天）")
def list_shifts(request, params: Query[ShiftRange]):
    _may_view(request)
    first, last = params.first, params.last
    desk = desks(request.user).filter(pk=params.unit).first()
    if desk is None:
        raise PermissionDenied("无权查看该单位值班表")
    if last < first or (last - first).days >= services.MAX_DAYS:
        raise ValidationError({"last": f"日期范围应为 1～{services.MAX_DAYS} 天"})
    shifts = list(Shift.objects.filter(unit=desk, date__range=(first, last)).select_related("unit__region")
                  .prefetch_related("assignments__post").order_by("starts_at"))
    by_shift: dict[int, list] = {}
    for g in rules.gaps(shifts):
        by_shift.setdefault(g.shift.pk, []).append(g)
    return [_shift_out(s, by_shift.get(s.pk, [])) for s in shifts]


@router.get("/shifts/{int:shift_id}", response=ShiftDetailOut, summary="班次详情：人员、缺岗、值班日志、交接班")
def get_shift(request, shift_id: int):
    _may_view(request)
    shift = get_object_or_404(Shift.objects.visible_to(request.user).select_related("unit__region")
                              .prefetch_related("assignments__post"), pk=shift_id)
    handover = getattr(shift, "handover", None)
    return {**_shift_out(shift, rules.gaps([shift])), "log": list(shift.log.all()),
            "handed_over_at": handover.handed_at if handover else None,
            "received_at": handover.received_at if handover else None}


@router.post("/shifts/{int:shift_id}/log", response={201: LogOut}, summary="记值班日志（本班值班人员）")
def post_log(request, shift_id: int, payload: LogIn):
    _may_view(request)
    get_object_or_404(Shift.objects.visible_to(request.user), pk=shift_id)
    data = payload.dict()
    data["at"] = data["at"] or timezone.now()
    return Status(201, services.add_entry(request.user, shift_id, LogEntry(**data)))
