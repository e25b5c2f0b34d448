"""森林防火 API (`/api/v1/forest/…`): danger levels (read, and the weather bureau's daily push),
checkpoints with the day's counts, entries, rangers' patrols (with GPS tracks), fire-use
applications and their steps, fire reports and their check."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from anying.core.api_input import InputSchema
from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination

from . import lifecycles, services
from .filters import EntryFilter, FireUseFilter, LevelFilter, ReportFilter
from .models import Checkpoint, Entry, FireDanger, FireReport, FireUse, Ranger

router = Router(tags=["森林防火"])


def _may(request) -> None:
    if not request.user.has_perm_code("forestfire.view"):
        raise PermissionDenied("无权查看森林防火数据")


class ForestLevelOut(Schema):
    region_id: int
    day: dt.date
    level: int
    source: str
    issuer: str


@router.get("/levels", response=list[ForestLevelOut], summary="每日森林火险等级（本人范围）")
@paginate(BoundedPagination)
def list_levels(request, filters: Query[LevelFilter.Params]):
    _may(request)
    return LevelFilter.from_api(filters).apply(FireDanger.objects.visible_to(request.user)).order_by("-day", "region_id")


class ForestLevelIn(InputSchema):
    region_id: int = Field(ge=1, le=2_147_483_647, description="区划ID（区或镇街）")
    day: dt.date
    level: int = Field(ge=1, le=5, description="火险等级1—5（QX/T 77-2007）")
    issuer: str = Field("", max_length=100, description="发布单位")


@router.post("/levels", response=ForestLevelOut, summary="录入或更新某区域某日的森林火险等级（气象局每日推送）")
def set_level(request, payload: ForestLevelIn):
    return services.set_level(request.user, payload.region_id, payload.day, payload.level,
                              source=FireDanger.Source.API, issuer=payload.issuer)


class ForestCheckpointOut(Schema):
    id: int
    name: str
    region_id: int
    forest: str
    latitude: Decimal | None
    longitude: Decimal | None
    level: int | None
    required: bool
    on_duty: list[str]
    duty_missing: bool
    entries: int
    people: int
    inside: int
    after_dark: int


class ForestDayParams(InputSchema):
    day: dt.date | None = Field(None, description="日期（默认今天）")


@router.get("/checkpoints", response=list[ForestCheckpointOut], summary="检查站及当日火险、值守、进山人数、未下山人数")
def list_checkpoints(request, params: Query[ForestDayParams]):
    _may(request)
    cps = list(Checkpoint.objects.visible_to(request.user).filter(is_active=True).select_related("place__region")
               .order_by("place__region__path", "id")[:1000])
    days = services.checkpoint_days(cps, params.day or timezone.localdate())
    return [{"id": d.checkpoint.pk, "name": d.checkpoint.place.name, "region_id": d.checkpoint.place.region_id,
             "forest": d.checkpoint.forest, "latitude": d.checkpoint.place.latitude,
             "longitude": d.checkpoint.place.longitude, "level": d.level, "required": d.required,
             "on_duty": [c.name for c in d.on_duty], "duty_missing": d.duty_missing, "entries": d.entries,
             "people": d.people, "inside": d.inside, "after_dark": d.after_dark} for d in days]


class ForestEntryOut(Schema):
    id: int
    checkpoint_id: int
    day: dt.date
    name: str
    phone: str
    id_masked: str
    people: int
    purpose: str
    fire_source: str
    level: int | None
    required: bool
    time_in: dt.datetime
    time_out: dt.datetime | None


@router.get("/entries", response=list[ForestEntryOut], summary="进山登记（身份证号仅脱敏）")
@paginate(BoundedPagination)
def list_entries(request, filters: Query[EntryFilter.Params]):
    _may(request)
    return EntryFilter.from_api(filters).apply(Entry.objects.visible_to(request.user)).order_by("-time_in", "-id")


class ForestPatrolIn(InputSchema):
    started_at: dt.datetime
    ended_at: dt.datetime
    route: str = Field(max_length=300)
    findings: str = Field("", max_length=2000)
    fire_use_stopped: int = Field(0, ge=0, le=100)
    fires_reported: int = Field(0, ge=0, le=100)
    track: list[list[float]] | None = Field(None, max_length=5000, description="轨迹 [[经度, 纬度], …]")


class ForestPatrolOut(Schema):
    id: int
    ranger_id: int
    started_at: dt.datetime
    ended_at: dt.datetime
    route: str
    findings: str
    fire_use_stopped: int
    fires_reported: int


@router.post("/rangers/{int:ranger_id}/patrols", response=ForestPatrolOut, summary="录入护林员巡护记录（可带 GPS 轨迹）")
def add_patrol(request, ranger_id: int, payload: ForestPatrolIn):
    _may(request)
    get_object_or_404(Ranger.objects.visible_to(request.user), pk=ranger_id)
    return services.record_patrol(request.user, ranger_id, payload.dict())


class ForestFireUseOut(Schema):
    id: int
    number: str
    region_id: int
    place: str
    applicant: str
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    ban_id: int | None
    decision: str
    version: int


@router.get("/fire-uses", response=list[ForestFireUseOut], summary="野外用火申请")
@paginate(BoundedPagination)
def list_fire_uses(request, filters: Query[FireUseFilter.Params]):
    _may(request)
    return FireUseFilter.from_api(filters).apply(FireUse.objects.visible_to(request.user)).order_by("-created_at", "-id")


class ForestStepIn(InputSchema):
    version: int | None = None
    comment: str = Field("", max_length=500)


@router.post("/fire-uses/{int:fire_use_id}/steps/{name}", response=ForestFireUseOut,
             summary="审批：approve 批准 / refuse 不予批准（须说明）/ revoke 撤销（须说明）")
def fire_use_step(request, fire_use_id: int, name: str, payload: ForestStepIn):
    _may(request)
    get_object_or_404(FireUse.objects.visible_to(request.user), pk=fire_use_id)
    return lifecycles.run_fire_use(request.user, fire_use_id, name, comment=payload.comment, version=payload.version)


class ForestReportOut(Schema):
    id: int
    number: str
    source: str
    reported_at: dt.datetime
    region_id: int
    town_id: int
    place: str
    latitude: Decimal | None
    longitude: Decimal | None
    status: str
    burnt_ha: Decimal | None
    grade: str
    version: int


@router.get("/reports", response=list[ForestReportOut], summary="火情报告")
@paginate(BoundedPagination)
def list_reports(request, filters: Query[ReportFilter.Params]):
    _may(request)
    return ReportFilter.from_api(filters).apply(FireReport.objects.visible_to(request.user)).order_by("-reported_at", "-id")


class ForestReportIn(InputSchema):
    source: str = Field(max_length=8, description="ranger 护林员 / public 群众 / camera 视频监控 / other")
    region_id: int | None = Field(None, ge=1, le=2_147_483_647, description="镇街或村；不知道时给经纬度")
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    place: str = Field(max_length=200)
    description: str = Field(max_length=2000)
    reporter: str = Field("", max_length=60)
    reporter_phone: str = Field("", max_length=20)


@router.post("/reports", response=ForestReportOut, summary="报告火情（视频监控等系统推送）：交地点所在（或最近）镇街核查")
def add_report(request, payload: ForestReportIn):
    return lifecycles.report_fire(request.user, payload.dict())


class ForestCheckIn(InputSchema):
    version: int | None = None
    outcome: str = Field(max_length=12, description="false_alarm 虚警 / fire 火情")
    comment: str = Field(max_length=2000, description="核查情况")
    burnt_ha: Decimal | None = Field(None, ge=0, le=1_000_000, description="受害森林面积（公顷）")
    deaths: int = Field(0, ge=0, le=10000)
    injuries: int = Field(0, ge=0, le=10000)
    extinguished_at: dt.datetime | None = None


@router.post("/reports/{int:report_id}/check", response=ForestReportOut, summary="登记火情核查结果")
def check_report(request, report_id: int, payload: ForestCheckIn):
    _may(request)
    get_object_or_404(FireReport.objects.visible_to(request.user), pk=report_id)
    data = payload.dict()
    if data["outcome"] == "fire" and data["burnt_ha"] is None:
        raise ValidationError({"burnt_ha": "火情须填写受害森林面积（公顷）"})
    return lifecycles.run_report(request.user, report_id, "check", comment=data.pop("comment"),
                                 version=data.pop("version"), data=data)
