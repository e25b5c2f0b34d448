"""Monitoring API, sensors and alarms (`/api/v1/monitoring/…`): the sensors in scope with their
latest values, a sensor's history from the aggregates, the alarms with filters and their steps."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from anying.core.api_input import InputSchema
from anying.core.errors import PermissionDenied
from anying.core.listing import BoundedPagination

from . import alarms, timeseries
from .filters import AlarmFilter
from .models_sensors import Alarm, Sensor

router = Router(tags=["监测预警"])


def _may(request) -> None:
    if not request.user.has_perm_code("monitoring.view"):
        raise PermissionDenied("无权查看监测数据")


class SensorOut(Schema):
    id: int
    enterprise_id: int
    installation_id: int
    code: str
    name: str
    kind: str
    unit: str
    range_low: float
    range_high: float
    low_low: float | None
    low: float | None
    high: float | None
    high_high: float | None
    interval_seconds: int
    offline_after: int
    is_active: bool
    last_at: dt.datetime | None
    last_value: float | None
    offline_since: dt.datetime | None


class SensorParams(InputSchema):
    installation: int | None = Field(None, ge=1, le=2_147_483_647, description="重大危险源（单元）ID")
    enterprise: int | None = Field(None, ge=1, le=2_147_483_647, description="企业ID")
    offline: bool = Field(False, description="仅离线点位")


@router.get("/sensors", response=list[SensorOut], summary="监测点位及最新读数（本人范围）")
@paginate(BoundedPagination)
def list_sensors(request, params: Query[SensorParams]):
    _may(request)
    qs = Sensor.objects.visible_to(request.user)
    if params.installation:
        qs = qs.filter(installation_id=params.installation)
    if params.enterprise:
        qs = qs.filter(enterprise_id=params.enterprise)
    if params.offline:
        qs = qs.filter(offline_since__isnull=False)
    return qs.order_by("enterprise_id", "installation_id", "code", "id")


class SeriesOut(Schema):
    sensor_id: int
    unit: str
    bucket: str = Field(description="minute（两天以内）或 hour")
    points: list[list[float]] = Field(description="[桶起始毫秒, 读数个数, 最小, 最大, 平均]")


class SeriesParams(InputSchema):
    start: dt.datetime | None = Field(None, description="开始时间（默认24小时前）")
    end: dt.datetime | None = Field(None, description="结束时间（默认现在）")


@router.get("/sensors/{int:sensor_id}/series", response=SeriesOut, summary="点位历史数据（两天以内按分钟，更长按小时汇总）")
def sensor_series(request, sensor_id: int, params: Query[SeriesParams]):
    _may(request)
    sensor = get_object_or_404(Sensor.objects.visible_to(request.user), pk=sensor_id)
    end = _aware(params.end) if params.end else timezone.now()
    if not EARLIEST <= end <= timezone.now() + dt.timedelta(days=366):
        raise ValidationError({"end": "结束时间须在2000年之后、一年之内"})
    start = _aware(params.start) if params.start else end - dt.timedelta(days=1)
    t0, t1 = timeseries.ms(start), timeseries.ms(end)
    if start < EARLIEST or not 0 < t1 - t0 <= 3 * 365 * 86_400_000:
        raise ValidationError({"start": "时间段须在三年之内（2000年以后），且结束晚于开始"})
    kind, rows = timeseries.series(sensor.pk, t0, t1)
    return {"sensor_id": sensor.pk, "unit": sensor.unit, "bucket": kind,
            "points": [[t, n, lo, hi, mean] for t, n, lo, hi, mean in rows]}


EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


class AlarmOut(Schema):
    id: int
    number: str
    enterprise_id: int
    installation_id: int
    sensor_id: int
    kind: str
    description: str
    level: int
    status: str
    is_active: bool
    first_at: dt.datetime
    last_at: dt.datetime
    raised_at: dt.datetime
    first_value: float | None
    last_value: float | None
    peak_value: float | None
    threshold: float | None
    count: int
    recovered_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    cause: str
    false_kind: str
    reason: str
    measures: str
    handled_at: dt.datetime | None
    cleared_at: dt.datetime | None
    escalation: int
    incident_id: int | None
    hazard_id: int | None
    version: int


@router.get("/alarms", response=list[AlarmOut], summary="监测报警（本人范围；可按状态、级别、类型、性质、镇街筛选）")
@paginate(BoundedPagination)
def list_alarms(request, filters: Query[AlarmFilter.Params]):
    _may(request)
    flt = AlarmFilter.from_api(filters)
    return flt.apply(Alarm.objects.visible_to(request.user))


@router.get("/alarms/{int:alarm_id}", response=AlarmOut, summary="一条监测报警")
def get_alarm(request, alarm_id: int):
    _may(request)
    return get_object_or_404(Alarm.objects.visible_to(request.user), pk=alarm_id)


class AlarmStepIn(InputSchema):
    version: int | None = None
    comment: str = Field("", max_length=1000)
    cause: str = Field("", max_length=8, description="handle：real 真实报警 / false 误报")
    false_kind: str = Field("", max_length=16, description="误报类型：device/calibration/communication/maintenance/threshold/other")
    reason: str = Field("", max_length=2000)
    measures: str = Field("", max_length=2000)


@router.post("/alarms/{int:alarm_id}/steps/{name}", response=AlarmOut,
             summary="报警办理：acknowledge 确认 / handle 反馈处置 / clear 确认消警 / send_back 退回（须说明）")
def alarm_step(request, alarm_id: int, name: str, payload: AlarmStepIn):
    _may(request)
    get_object_or_404(Alarm.objects.visible_to(request.user), pk=alarm_id)
    data = payload.dict()
    return alarms.run(request.user, alarm_id, name, comment=data.pop("comment"), version=data.pop("version"),
                      data=data)
