"""Alarm pages: the list (filters, export), an alarm with its lifecycle, its sensor's readings
around it and what it became (接报事件, 隐患)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anying.core import exports, workflow
from anying.core.errors import PermissionDenied
from anying.core.http import error_text
from anying.core.listing import paginate, query_without
from anying.core.models import Region
from anying.core.scope import region_subtree_q
from anying.core.views import perm_required

from . import alarms, timeseries
from .filters import AlarmFilter
from .forms_alarms import AlarmStepForm
from .models_sensors import Alarm

HEADER = ["编号", "企业", "所在镇街", "单元", "点位", "报警内容", "级别", "状态", "首次报警", "最近报警", "次数", "报警值", "极值",
          "恢复正常", "确认时间", "性质", "误报类型", "原因", "处置措施", "处置反馈时间", "消警时间", "升级"]


def visible(user):
    return Alarm.objects.visible_to(user).select_related("enterprise__region", "installation", "sensor")


@perm_required("monitoring.view")
def alarm_list(request):
    flt = AlarmFilter.from_params(request.GET, request=request)
    qs = flt.apply(visible(request.user))
    if request.GET.get("export") == "xlsx":
        shown = ["q", "status", "level", "kind", "cause", "region", "active"]
        book = exports.Book()
        local = timezone.localtime
        count = book.sheet("监测报警", HEADER, title="监测报警", filters=flt.describe(shown)).extend(
            [a.number, a.enterprise.name, a.enterprise.region.name, a.installation.name, a.sensor.code, a.description,
             alarms.level_of(a).name, a.get_status_display(), local(a.first_at), local(a.last_at), a.count, a.first_value,
             a.peak_value, a.recovered_at and local(a.recovered_at), a.acknowledged_at and local(a.acknowledged_at),
             a.get_cause_display(), a.get_false_kind_display(), a.reason, a.measures,
             a.handled_at and local(a.handled_at), a.cleared_at and local(a.cleared_at),
             ["", "镇街值班", "区带班领导"][a.escalation]] for a in qs.iterator())
        return exports.response(request, book, exports.stamp("监测报警"), summary=f"导出监测报警 {count} 条",
                                filters=flt.audit_values(shown))
    page = paginate(request, qs)
    now = timezone.now()
    for a in page:
        a.level_info = alarms.level_of(a)
        a.late = alarms.overdue(a, now)
    return render(request, "monitoring/alarm_list.html", {
        "page": page, "flt": flt, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "levels": alarms.levels().values(),
        "statuses": Alarm.Status.choices, "kinds": flt.filters["kind"].extra["choices"],
        "towns": Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(request.user, ""))})


@perm_required("monitoring.view")
def alarm_detail(request, pk):
    alarm = get_object_or_404(visible(request.user), pk=pk)
    events = list(workflow.timeline(alarm))
    steps = alarms.LIFECYCLE.available(request.user, alarm)
    sensor = alarm.sensor
    # the raw readings from half an hour before the alarm to half an hour after its last breach
    # (at most a few hundred: sensors report every few seconds at most); longer views are the
    # sensor page's, from the aggregates
    t0 = timeseries.ms(alarm.first_at) - 30 * 60_000
    t1 = min(timeseries.ms(alarm.last_at) + 30 * 60_000, timeseries.ms(timezone.now()) + 60_000)
    raw = timeseries.raw(sensor.pk, t0, t1)
    return render(request, "monitoring/alarm_detail.html", {
        "alarm": alarm, "level": alarms.level_of(alarm), "events": events, "steps": steps,
        "step_names": {s.name for s in steps}, "form": AlarmStepForm(),
        "ack_due": alarms.acknowledge_due(alarm), "handle_due": alarms.handle_due(alarm),
        "late": alarms.overdue(alarm, timezone.now()),
        "files": _files(alarm),
        "chart": {"unit": sensor.unit, "from": t0, "to": t1, "points": [[t, 1, v, v, v] for t, v in raw],
                  "marks": [v for v in (sensor.low_low, sensor.low, sensor.high, sensor.high_high) if v is not None]},
        "can_incident": request.user.has_perm_code("incidents.take") and not alarm.incident_id,
        "can_hazard": (request.user.has_perm_code("hazards.supervise") or request.user.has_perm_code("hazards.act"))
        and not alarm.hazard_id})


def _files(alarm):
    from anying.core.attachments import attachments_of

    return list(attachments_of(alarm))


@perm_required("monitoring.view")
@require_POST
def alarm_act(request, pk):
    get_object_or_404(visible(request.user), pk=pk)  # outside the scope: 404, nothing said about it
    name = request.POST.get("step", "")
    form = AlarmStepForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("alarm_detail", pk=pk)
    d = form.cleaned_data
    try:
        alarm = alarms.run(request.user, pk, name, comment=d["comment"], files=d["photos"] or (),
                           version=workflow.posted_version(request),
                           data={k: d[k] for k in ("cause", "false_kind", "reason", "measures")})
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    except Alarm.DoesNotExist:
        raise Http404 from None
    else:
        messages.success(request, f"{alarm.number}：{alarms.LIFECYCLE.label_of(name)}完成，当前状态：{alarm.get_status_display()}")
    return redirect("alarm_detail", pk=pk)


@perm_required("incidents.take")
@require_POST
def alarm_to_incident(request, pk):
    get_object_or_404(visible(request.user), pk=pk)
    try:
        incident = alarms.to_incident(request.user, pk)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect("alarm_detail", pk=pk)
    messages.success(request, f"已转为接报事件：{incident.title}")
    return redirect(reverse("incident_detail", args=[incident.pk]))


@perm_required("monitoring.view")
def alarm_to_hazard(request, pk):
    """转隐患: the hazard form, filled in from the alarm; the hazard and the alarm link each other."""
    from django.db import transaction

    from anying.core.attachments import attach
    from anying.core.http import apply_errors
    from anying.hazards import services as hazards
    from anying.hazards.forms import HazardForm

    alarm = get_object_or_404(visible(request.user), pk=pk)
    if alarm.hazard_id:
        messages.info(request, "该报警已转为隐患")
        return redirect("hazard_detail", pk=alarm.hazard_id)
    ent = alarm.enterprise
    form = HazardForm(request.POST or None, request.FILES or None, enterprise=ent, user=request.user, initial={
        "found_on": timezone.localdate(), "found_by": request.user.display_name,
        "place": f"{alarm.installation.name} {alarm.sensor.code}",
        "description": f"监测报警 {alarm.number}：{alarm.description}（报警值 {alarm.first_value:g}{alarm.sensor.unit}）"})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "photos"}
        try:
            with transaction.atomic():
                hazard = hazards.register(request.user, {**data, "enterprise": ent})
                for photo in form.cleaned_data["photos"]:
                    attach(request.user, hazard, photo)
                alarms.link_hazard(request.user, alarm.pk, hazard)
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记隐患：{hazard.place}")
            return redirect("hazard_detail", pk=hazard.pk)
    return render(request, "hazards/hazard_form.html", {"form": form, "enterprise": ent, "from_alarm": alarm})


@perm_required("monitoring.view")
def alarm_file(request, pk, attachment_id):
    from anying.core.attachments import serve

    return serve(Alarm.objects.visible_to(request.user).filter(pk=pk), attachment_id, inline=True)
