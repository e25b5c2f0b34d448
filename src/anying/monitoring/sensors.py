"""Writes of sensors, their rules and devices: permission, scope, validation, audit, and the
ingest cache told (issue #16 point 3).

A sensor's thresholds are its standard rules: each threshold set gives a 超限 rule (高高报 and
低低报 一级, 高报 and 低报 二级), and every sensor has a 离线 rule (三级) — kept in step on every
save, so a threshold taken away stops alarming. Further rules are added by hand.
"""

from __future__ import annotations

import math
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction

from anying.core import audit
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM, require
from anying.registry.models import Enterprise

from . import ingest
from .models import Installation
from .models_sensors import BOUND_FIELDS, BOUND_LABELS, AlarmRule, Device, Sensor

A = AuditEvent.Action
SENSOR_FIELDS = ["code", "name", "kind", "unit", "range_low", "range_high", "low_low", "low", "high", "high_high",
                 "interval_seconds", "offline_after", "is_active"]
STANDARD_LEVEL = {"HH": 1, "LL": 1, "H": 2, "L": 2}
OFFLINE_LEVEL = 3
LIMIT = 1e12


def _installation(user, pk: int) -> Installation:
    qs = Installation.objects.all() if user is SYSTEM else Installation.objects.visible_to(user)
    inst = qs.select_related("enterprise").filter(pk=pk, retired_on__isnull=True).first()
    if inst is None:
        raise PermissionDenied("找不到该重大危险源（单元），或不在您的管辖范围内")
    return inst


def _number(data: dict, key: str, errors: dict, label: str, required: bool = False) -> float | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            errors[key] = f"请填写{label}"
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors[key] = f"{label}须为数值"
        return None
    if not math.isfinite(number) or abs(number) > LIMIT:
        errors[key] = f"{label}须为有限数值"
        return None
    return number


def clean_sensor(data: dict) -> dict:
    errors: dict[str, str] = {}
    out = {}
    out["code"] = (data.get("code") or "").strip()[:60]
    if not out["code"]:
        errors["code"] = "请填写位号（设备上报时使用的编号）"
    elif any(c.isspace() or c in ",\"'" for c in out["code"]):
        errors["code"] = "位号不能含空格、逗号或引号"
    out["name"] = (data.get("name") or "").strip()[:100]
    if not out["name"]:
        errors["name"] = "请填写点位名称"
    if data.get("kind") not in Sensor.Kind.values:
        errors["kind"] = "请选择监测类型"
    out["kind"] = data.get("kind")
    out["unit"] = (data.get("unit") or "").strip()[:16]
    if not out["unit"]:
        errors["unit"] = "请填写计量单位"
    labels = {"range_low": "量程下限", "range_high": "量程上限", **{f: BOUND_LABELS[b] for b, f in BOUND_FIELDS.items()}}
    for key, label in labels.items():
        out[key] = _number(data, key, errors, label, required=key.startswith("range"))
    lo, hi = out.get("range_low"), out.get("range_high")
    if lo is not None and hi is not None and lo >= hi:
        errors["range_high"] = "量程上限须大于下限"
    ordered = [(f, out[f]) for f in ("low_low", "low", "high", "high_high") if out.get(f) is not None]
    if any(a[1] >= b[1] for a, b in zip(ordered, ordered[1:], strict=False)):
        errors["high"] = "阈值须满足：低低报 < 低报 < 高报 < 高高报"
    if lo is not None and hi is not None and any(not lo <= v <= hi for _, v in ordered):
        errors["high_high"] = "阈值须在量程之内"
    if not ordered:
        errors["high"] = "至少设置一个报警阈值"
    for key, label, low, high, default in (("interval_seconds", "上报周期", 1, 86_400, 60),
                                           ("offline_after", "离线判定周期数", 1, 100, 3)):
        try:
            value = int(default if data.get(key) in (None, "") else data[key])
        except (TypeError, ValueError):
            value = 0
        if not low <= value <= high:
            errors[key] = f"{label}须在{low}到{high}之间"
        out[key] = value
    out["is_active"] = bool(data.get("is_active", True))
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def save_sensor(user, installation_id: int, data: dict, *, pk: int | None = None, version: int | None = None,
                is_demo: bool = False) -> Sensor:
    require(user, "monitoring.edit")
    inst = _installation(user, installation_id)
    clean = clean_sensor(data)
    if pk is not None:
        sensor = Sensor.objects.select_for_update().filter(pk=pk, installation=inst).first()
        if sensor is None:
            raise PermissionDenied("找不到该监测点位")
        if version is not None and sensor.version != version:
            raise ValidationError("该记录已被他人修改，请刷新后重试")
        before = audit.snapshot(sensor, SENSOR_FIELDS)
    else:
        sensor, before = Sensor(installation=inst, enterprise=inst.enterprise, is_demo=is_demo), None
    if Sensor.objects.filter(enterprise=inst.enterprise, code=clean["code"]).exclude(pk=sensor.pk).exists():
        raise ValidationError({"code": "本企业已有该位号的监测点位"})
    weakened = _weakened(sensor, clean) if pk is not None else []
    for key, value in clean.items():
        setattr(sensor, key, value)
    sensor.version += 1 if pk is not None else 0
    sensor.save()
    sync_standard_rules(sensor)
    if weakened:
        _tell_supervisors(user, sensor, f"修改监测点位 {sensor.code} 的报警设置：{'；'.join(weakened)}")
    audit.record(user, A.UPDATE if before else A.CREATE, sensor, before=before,
                 after=audit.snapshot(sensor, SENSOR_FIELDS), summary=f"监测点位 {sensor.code}", place=inst.enterprise)
    ingest.changed()
    return sensor


def sync_standard_rules(sensor: Sensor) -> None:
    have = {(r.kind, r.bound): r for r in sensor.rules.filter(is_standard=True)}
    want = {("threshold", b) for b, f in BOUND_FIELDS.items() if getattr(sensor, f) is not None} | {("offline", "")}
    for key, rule in have.items():
        if key not in want:
            rule.delete() if not rule.alarms.exists() else AlarmRule.objects.filter(pk=rule.pk).update(is_active=False)
        elif not rule.is_active:
            AlarmRule.objects.filter(pk=rule.pk).update(is_active=True)
    for kind, bound in want - set(have):
        AlarmRule.objects.create(sensor=sensor, kind=kind, bound=bound, is_standard=True,
                                 level=STANDARD_LEVEL.get(bound, OFFLINE_LEVEL))


@transaction.atomic
def add_rule(user, sensor_id: int, data: dict) -> AlarmRule:
    """A rule beyond the thresholds: sustained breach, N in a row, or rate of change."""
    require(user, "monitoring.edit")
    sensor = _sensor(user, sensor_id)
    kind = data.get("kind")
    errors = {}
    rule = AlarmRule(sensor=sensor, kind=kind)
    if kind not in (AlarmRule.Kind.SUSTAINED, AlarmRule.Kind.REPEAT, AlarmRule.Kind.RATE):
        errors["kind"] = "请选择规则类型（持续超限、连续超限或变化速率）"
    if kind in (AlarmRule.Kind.SUSTAINED, AlarmRule.Kind.REPEAT):
        bound = data.get("bound") or ""
        if bound not in BOUND_FIELDS or getattr(sensor, BOUND_FIELDS[bound]) is None:
            errors["bound"] = "请选择该点位已设置的阈值"
        rule.bound = bound
    if kind == AlarmRule.Kind.SUSTAINED:
        rule.seconds = _int(data, "seconds", 1, 86_400, "持续秒数", errors)
    if kind == AlarmRule.Kind.REPEAT:
        rule.count = _int(data, "count", 2, 1000, "连续次数", errors)
    if kind == AlarmRule.Kind.RATE:
        rule.rate_per_minute = _number(data, "rate_per_minute", errors, "每分钟变化量", required=True)
        if rule.rate_per_minute is not None and rule.rate_per_minute <= 0:
            errors["rate_per_minute"] = "每分钟变化量须大于0"
    rule.level = _int(data, "level", 1, 3, "报警级别", errors)
    if errors:
        raise ValidationError(errors)
    rule.save()
    audit.record(user, A.CREATE, rule, summary=f"报警规则 {sensor.code} {rule}", place=sensor.enterprise)
    ingest.changed()
    return rule


@transaction.atomic
def set_rule_active(user, rule_id: int, active: bool) -> AlarmRule:
    require(user, "monitoring.edit")
    rule = AlarmRule.objects.select_related("sensor__enterprise").filter(pk=rule_id).first()
    if rule is None or not _sensor_qs(user).filter(pk=rule.sensor_id).exists():
        raise PermissionDenied("找不到该报警规则")
    if rule.is_standard:
        raise PermissionDenied("按阈值生成的超限规则和离线规则不能停用：请修改点位阈值")
    if not active:
        _tell_supervisors(user, rule.sensor, f"停用报警规则：{rule}")
    AlarmRule.objects.filter(pk=rule.pk).update(is_active=active, run_since=None, run_count=0)
    audit.record(user, A.UPDATE, rule, summary=f"{'启用' if active else '停用'}报警规则 {rule}",
                 place=rule.sensor.enterprise)
    ingest.changed()
    return rule


def _int(data, key, low, high, label, errors) -> int | None:
    try:
        value = int(data.get(key) or 0)
    except (TypeError, ValueError):
        value = None
    if value is None or not low <= value <= high:
        errors[key] = f"{label}须在{low}到{high}之间"
    return value


def _sensor_qs(user):
    return Sensor.objects.all() if user is SYSTEM else Sensor.objects.visible_to(user)


def _sensor(user, pk: int) -> Sensor:
    sensor = _sensor_qs(user).select_related("enterprise", "installation").filter(pk=pk).first()
    if sensor is None:
        raise PermissionDenied("找不到该监测点位，或不在您的管辖范围内")
    return sensor


@transaction.atomic
def create_device(user, enterprise_id: int, name: str, *, is_demo: bool = False,
                  token: str | None = None) -> tuple[Device, str]:
    """A device and its token, shown once (only the hash is kept)."""
    require(user, "monitoring.edit")
    scope = Enterprise.objects.all() if user is SYSTEM else Enterprise.objects.visible_to(user)
    enterprise = scope.filter(pk=enterprise_id).first()
    if enterprise is None:
        raise PermissionDenied("找不到该企业，或不在您的管辖范围内")
    name = (name or "").strip()[:100]
    if not name:
        raise ValidationError({"name": "请填写设备名称"})
    token = token or f"ayd_{secrets.token_urlsafe(32)}"
    device = Device.objects.create(enterprise=enterprise, name=name, token_hash=ingest.token_hash(token),
                                   token_hint=token[-4:], created_by=None if user is SYSTEM else user,
                                   is_demo=is_demo)
    audit.record(user, A.CREATE, device, summary=f"采集设备 {name}", place=enterprise)
    ingest.changed()
    return device, token


@transaction.atomic
def set_device_active(user, device_id: int, active: bool) -> Device:
    require(user, "monitoring.edit")
    qs = Device.objects.all() if user is SYSTEM else Device.objects.visible_to(user)
    device = qs.select_related("enterprise").filter(pk=device_id).first()
    if device is None:
        raise PermissionDenied("找不到该采集设备")
    Device.objects.filter(pk=device.pk).update(is_active=active)
    if not active:
        _tell_supervisors(user, device, f"停用采集设备：{device.name}")
    audit.record(user, A.UPDATE, device, summary=f"{'启用' if active else '停用'}采集设备 {device.name}",
                 place=device.enterprise)
    ingest.changed()
    return device


def _weakened(sensor: Sensor, clean: dict) -> list[str]:
    """What a change does to alarming that the supervising units should know: a threshold removed
    or moved outwards, the sensor switched off, offline detection slowed."""
    out = []
    for bound, field in BOUND_FIELDS.items():
        old, new = getattr(sensor, field), clean.get(field)
        if old is None:
            continue
        outward = new is None or (new > old if bound in ("H", "HH") else new < old)
        if outward:
            out.append(f"{BOUND_LABELS[bound]} {old:g} → {'取消' if new is None else f'{new:g}'}")
    if sensor.is_active and not clean.get("is_active", True):
        out.append("停用点位")
    if clean["interval_seconds"] * clean["offline_after"] > sensor.interval_seconds * sensor.offline_after:
        out.append(f"离线判定 {sensor.interval_seconds * sensor.offline_after}秒 → "
                   f"{clean['interval_seconds'] * clean['offline_after']}秒")
    return out


def _tell_supervisors(user, record, what: str) -> None:
    """An enterprise's own change that weakens its alarming goes to its supervising units at once
    (they confirm 消警, so they must know when alarms stop coming)."""
    from anying.core import recipients
    from anying.core.notifications import notify_many
    from anying.core.permissions import is_enterprise_user

    if user is SYSTEM or not is_enterprise_user(user):
        return
    ent = record.enterprise
    title = f"【监测设置变更】{ent.name}{what}"[:200]
    notify_many((u, title, f"由 {user.display_name} 修改", "")
                for u in recipients.supervisors(ent.region_id, ent.industry_id, "monitoring.clear"))
