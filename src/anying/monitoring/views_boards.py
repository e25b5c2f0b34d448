"""The boards (issue #16 point 6): an enterprise's live board, the town's and district's board,
the coverage of key enterprises, a sensor's page with its history chart (from the aggregates)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from anying.core.permissions import is_enterprise_user
from anying.core.views import perm_required
from anying.registry.models import Enterprise

from . import alarms, timeseries
from .models import Installation
from .models_sensors import Alarm, Sensor, describe_rule

KEY_TAGS = ("mhi", "dust", "molten_metal")  # 重大危险源, 粉尘涉爆, 高温熔融金属 (铝加工深井铸造): seed 002's coverage
SPARK_POINTS = 60


def sensor_state(sensor: Sensor) -> tuple[str, str]:
    """(css class, text) of a sensor's latest value against its thresholds."""
    if sensor.last_at is None:
        return "secondary", "未接入"
    if sensor.offline_since:
        return "secondary", "离线"
    v = sensor.last_value
    if sensor.high_high is not None and v > sensor.high_high or sensor.low_low is not None and v < sensor.low_low:
        return "danger", "高高报" if sensor.high_high is not None and v > sensor.high_high else "低低报"
    if sensor.high is not None and v > sensor.high or sensor.low is not None and v < sensor.low:
        return "warning", "高报" if sensor.high is not None and v > sensor.high else "低报"
    return "success", "正常"


def spark(points: list[tuple[int, float]], low: float, high: float, width: int = 120, height: int = 28) -> str:
    """An SVG polyline's points for a sparkline (no script needed on a phone)."""
    if len(points) < 2:
        return ""
    step = max(1, len(points) // SPARK_POINTS)
    points = points[::step]
    t0, t1 = points[0][0], points[-1][0]
    span, rng = max(t1 - t0, 1), max(high - low, 1e-9)
    return " ".join(f"{(t - t0) / span * width:.1f},{height - (min(max(v, low), high) - low) / rng * height:.1f}"
                    for t, v in points)


def _enterprise(user, pk: int) -> Enterprise:
    return get_object_or_404(Enterprise.objects.visible_to(user).select_related("region"), pk=pk)


@perm_required("monitoring.view")
def enterprise_board(request, enterprise_id):
    ent = _enterprise(request.user, enterprise_id)
    installations = list(Installation.objects.filter(enterprise=ent, retired_on__isnull=True).order_by("name"))
    sensors = list(Sensor.objects.filter(enterprise=ent).order_by("installation_id", "code"))
    since = timeseries.ms(timezone.now()) - 3_600_000
    history = timeseries.recent([s.pk for s in sensors if s.is_active], since)
    for s in sensors:
        s.state = sensor_state(s)
        s.spark = spark(history.get(s.pk, []), s.range_low, s.range_high)
    by_inst = {i.pk: [] for i in installations}
    for s in sensors:
        by_inst.setdefault(s.installation_id, []).append(s)
    for i in installations:
        i.sensor_list = by_inst.get(i.pk, [])
    active = list(Alarm.objects.filter(enterprise=ent, is_active=True).select_related("sensor").order_by("level", "-raised_at"))
    now = timezone.now()
    for a in active:
        a.level_info, a.late = alarms.level_of(a), alarms.overdue(a, now)
    template = "monitoring/_enterprise_board.html" if request.headers.get("HX-Request") else "monitoring/enterprise_board.html"
    return render(request, template, {"ent": ent, "installations": installations, "active": active, "now": now,
                                      "can_edit": request.user.has_perm_code("monitoring.edit")})


@perm_required("monitoring.view")
def board(request):
    """The town's or district's board; an enterprise's own user lands on its live board."""
    if is_enterprise_user(request.user):
        ent = Enterprise.objects.visible_to(request.user).first()
        if ent is not None:
            return redirect("monitoring_enterprise_board", enterprise_id=ent.pk)
    user = request.user
    alarms_qs = Alarm.objects.visible_to(user)
    by_level = dict(alarms_qs.filter(is_active=True).values_list("level").annotate(n=Count("id")).values_list("level", "n"))
    levels = [(lv, by_level.get(lv.level, 0)) for lv in alarms.levels().values()]
    to_clear = [a for a in alarms_qs.filter(status=Alarm.Status.HANDLED).select_related("enterprise", "sensor")
                .order_by("handled_at")[:50] if alarms.may_clear(user, a.enterprise)][:20]
    open_alarms = list(alarms_qs.filter(is_active=True).exclude(status=Alarm.Status.HANDLED)
                       .select_related("enterprise__region", "sensor").order_by("level", "-raised_at")[:20])
    now = timezone.now()
    for a in [*open_alarms, *to_clear]:
        a.level_info, a.late = alarms.level_of(a), alarms.overdue(a, now)
    sensors = Sensor.objects.visible_to(user).filter(is_active=True)
    counts = sensors.aggregate(total=Count("id"), offline=Count("id", filter=Q(offline_since__isnull=False)),
                               never=Count("id", filter=Q(last_at__isnull=True)))
    offline = list(sensors.filter(offline_since__isnull=False).select_related("enterprise").order_by("offline_since")[:10])
    month = now - dt.timedelta(days=30)
    quality = list(alarms_qs.filter(raised_at__gte=month, cause__in=[Alarm.Cause.REAL, Alarm.Cause.FALSE])
                   .values("enterprise_id", "enterprise__name")
                   .annotate(handled=Count("id"), false=Count("id", filter=Q(cause=Alarm.Cause.FALSE)))
                   .order_by("-false", "enterprise__name")[:10])
    for q in quality:
        q["rate"] = round(q["false"] * 100 / q["handled"]) if q["handled"] else 0
    connected = Enterprise.objects.visible_to(user).filter(
        Exists(Sensor.objects.filter(enterprise=OuterRef("pk"), is_active=True, offline_since__isnull=True,
                                     last_at__isnull=False))).count()
    template = "monitoring/_board.html" if request.headers.get("HX-Request") else "monitoring/board.html"
    return render(request, template, {
        "levels": levels, "to_clear": to_clear, "open_alarms": open_alarms, "counts": counts, "offline": offline,
        "quality": quality, "connected": connected, "key_total": _key_enterprises(user).count(), "now": now})


def _key_enterprises(user):
    """Enterprises that must be monitored: a major hazard installation, or tagged 重大危险源,
    粉尘涉爆 or 高温熔融金属 (seed 002: 铝加工深井铸造 and key dust-explosion enterprises)."""
    return Enterprise.objects.visible_to(user).filter(
        Q(tags__code__in=KEY_TAGS) | Q(installations__is_major=True, installations__retired_on__isnull=True)).distinct()


@perm_required("monitoring.view")
def coverage(request):
    from anying.core.listing import paginate

    active = Sensor.objects.filter(is_active=True)
    qs = _key_enterprises(request.user).select_related("region").prefetch_related("tags").annotate(
        n_sensors=Count("sensors", filter=Q(sensors__is_active=True), distinct=True),
        n_online=Count("sensors", filter=Q(sensors__is_active=True, sensors__offline_since__isnull=True,
                                            sensors__last_at__isnull=False), distinct=True),
        last=Max("sensors__last_at")).order_by("n_online", "region__path", "name")
    missing = request.GET.get("missing") == "1"
    if missing:
        qs = qs.filter(~Exists(active.filter(enterprise=OuterRef("pk"), last_at__isnull=False,
                                             offline_since__isnull=True)))
    page = paginate(request, qs)
    for e in page:
        e.key_tags = [t.name for t in e.tags.all() if t.code in KEY_TAGS]
    return render(request, "monitoring/coverage.html", {"page": page, "missing": missing})


@perm_required("monitoring.view")
def sensor_detail(request, pk):
    from .forms_alarms import AlarmRuleForm

    sensor = get_object_or_404(Sensor.objects.visible_to(request.user).select_related("installation", "enterprise"), pk=pk)
    sensor.state = sensor_state(sensor)
    rules = list(sensor.rules.all())
    for r in rules:
        r.text = describe_rule(r, sensor.unit)
    recent = sensor.alarms.select_related("rule")[:10]
    return render(request, "monitoring/sensor_detail.html", {
        "sensor": sensor, "rules": rules, "recent": recent, "rule_form": AlarmRuleForm(),
        "periods": [("1h", "1小时"), ("6h", "6小时"), ("24h", "24小时"), ("7d", "7天"), ("30d", "30天"), ("365d", "1年")],
        "can_edit": request.user.has_perm_code("monitoring.edit")})


def _day(text: str, *, end: bool = False) -> int | None:
    """A date from the page's range (YYYY-MM-DD) as epoch ms, its start (or, `end`, the next
    day's start); None for anything else or a day outside 2000 … next year."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
    if not dt.date(2000, 1, 1) <= day <= timezone.localdate() + dt.timedelta(days=366):
        return None
    start = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1 if end else 0), dt.time()))
    return timeseries.ms(start)


PERIODS = {"1h": 3_600_000, "6h": 6 * 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000,
           "365d": 365 * 86_400_000}


@perm_required("monitoring.view")
def sensor_series(request, pk):
    """The history chart's data: ?period=1h…365d, or ?from=&to= (ISO dates or times)."""
    sensor = get_object_or_404(Sensor.objects.visible_to(request.user), pk=pk)
    now = timeseries.ms(timezone.now())
    t1, t0 = now, now - PERIODS.get(request.GET.get("period", ""), PERIODS["24h"])
    if request.GET.get("from"):
        t0, t1 = _day(request.GET["from"]), _day(request.GET.get("to", ""), end=True)
        if t0 is None or t1 is None or not 0 < t1 - t0 <= 3 * PERIODS["365d"]:
            return JsonResponse({"detail": "请选择三年之内的开始和结束日期（2000年以后），结束不早于开始"}, status=422)
    kind, rows = timeseries.series(sensor.pk, t0, t1)
    return JsonResponse({"sensor": sensor.code, "unit": sensor.unit, "bucket": kind, "from": t0, "to": t1,
                         "thresholds": {k: getattr(sensor, f) for k, f in (("LL", "low_low"), ("L", "low"), ("H", "high"),
                                                                         ("HH", "high_high"))},
                         "points": [[t, n, lo, hi, round(mean, 6)] for t, n, lo, hi, mean in rows]})


def desk_panel(user, now):
    """The 值班台's panel: alarms not yet handled in the desk's territory, escalated and first-level first."""
    if not user.has_perm_code("monitoring.view"):
        return None
    from django.urls import reverse

    shown = list(Alarm.objects.visible_to(user).filter(is_active=True, status__in=[Alarm.Status.TRIGGERED,
                                                                                  Alarm.Status.ACKNOWLEDGED])
                 .select_related("enterprise").order_by("-escalation", "level", "-raised_at")[:8])
    rows = []
    for a in shown:
        level = alarms.level_of(a)
        late = alarms.overdue(a, now)
        rows.append({"text": f"{a.enterprise.name} {a.description}", "url": reverse("alarm_detail", args=[a.pk]),
                     "badge": level.name, "tone": {1: "danger", 2: "warning"}.get(a.level, "info"),
                     "note": " · ".join(x for x in (a.get_status_display(), late, "已升级" if a.escalation else "") if x)})
    return {"title": "监测报警（未处置）", "url": reverse("alarm_list") + "?active=1", "rows": rows,
            "empty": "没有未处置的监测报警。"}
