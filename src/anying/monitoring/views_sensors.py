"""Sensor, rule and device pages (the writes are sensors.py's)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anying.core import workflow
from anying.core.errors import PermissionDenied
from anying.core.http import act, submit
from anying.core.views import perm_required
from anying.registry.models import Enterprise

from . import sensors
from .forms_alarms import AlarmRuleForm, DeviceForm, SensorForm
from .models import Installation
from .models_sensors import AlarmRule, Device, Sensor


@perm_required("monitoring.edit")
def sensor_edit(request, installation_id=None, pk=None):
    sensor = get_object_or_404(Sensor.objects.visible_to(request.user), pk=pk) if pk else None
    inst = sensor.installation if sensor else get_object_or_404(
        Installation.objects.visible_to(request.user).select_related("enterprise"), pk=installation_id)
    form = SensorForm(request.POST or None, instance=sensor,
                      initial=None if sensor else {"interval_seconds": 60, "offline_after": 3, "is_active": True})
    shown = workflow.posted_version(request) if request.method == "POST" else (sensor.version if sensor else None)

    def save(data):
        return sensors.save_sensor(request.user, inst.pk, data, pk=sensor.pk if sensor else None, version=shown)
    done = submit(request, form, save, lambda s: f"已保存监测点位：{s.code} {s.name}",
                  lambda s: reverse("sensor_detail", args=[s.pk]))
    return done or render(request, "monitoring/sensor_form.html", {"form": form, "sensor": sensor, "inst": inst,
                                                                   "shown_version": shown})


@perm_required("monitoring.edit")
@require_POST
def rule_add(request, pk):
    get_object_or_404(Sensor.objects.visible_to(request.user), pk=pk)
    act(request, AlarmRuleForm(request.POST), lambda d: sensors.add_rule(request.user, pk, d),
        lambda r: f"已添加报警规则：{r}")
    return redirect("sensor_detail", pk=pk)


@perm_required("monitoring.edit")
@require_POST
def rule_toggle(request, pk):
    rule = get_object_or_404(AlarmRule.objects.filter(sensor__in=Sensor.objects.visible_to(request.user)), pk=pk)
    try:
        sensors.set_rule_active(request.user, rule.pk, not rule.is_active)
    except PermissionDenied as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{'停用' if rule.is_active else '启用'}：{rule}")
    return redirect("sensor_detail", pk=rule.sensor_id)


@perm_required("monitoring.view")
def device_list(request, enterprise_id):
    ent = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=enterprise_id)
    form = DeviceForm(request.POST or None)
    token = None
    if request.method == "POST":
        if not request.user.has_perm_code("monitoring.edit"):
            raise Forbidden("无权登记采集设备")
        if form.is_valid():
            device, token = sensors.create_device(request.user, ent.pk, form.cleaned_data["name"])
            messages.success(request, f"已登记采集设备：{device.name}。令牌只显示这一次，请立即配置到设备。")
            form = DeviceForm()
    return render(request, "monitoring/devices.html", {
        "ent": ent, "devices": Device.objects.filter(enterprise=ent).order_by("name", "id"), "form": form,
        "token": token, "can_edit": request.user.has_perm_code("monitoring.edit"),
        "endpoint": request.build_absolute_uri("/api/v1/monitoring/readings")})


@perm_required("monitoring.edit")
@require_POST
def device_toggle(request, pk):
    device = get_object_or_404(Device.objects.visible_to(request.user), pk=pk)
    sensors.set_device_active(request.user, device.pk, not device.is_active)
    messages.success(request, f"已{'停用' if device.is_active else '启用'}采集设备：{device.name}")
    return redirect("monitoring_devices", enterprise_id=device.enterprise_id)
