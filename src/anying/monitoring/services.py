"""Writes of monitoring: permission, scope, validation, the GB 18218 computation, audit — in one
transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anying.core import audit
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM, require
from anying.registry.models import Enterprise

from . import gb18218
from .models import Installation, InstallationChemical

A = AuditEvent.Action
FIELDS = ["name", "kind", "people_within_500m", "latitude", "longitude", "commissioned_on", "filed_on", "filing_number",
          "assessed_on", "retired_on", "oil_gas_storage", "has_gas_detection", "has_video", "has_emergency_shutoff",
          "has_lightning_warning"]
AUDITED = [*FIELDS, "s_value", "r_value", "is_major", "grade"]
OLD_YEARS = 20  # seed 001「一装置一策」: installations in service 20 years or more are listed


def _dates(data: dict, errors: dict) -> None:
    today = timezone.localdate()
    for key in ("commissioned_on", "filed_on", "assessed_on", "retired_on"):
        value = data.get(key)
        if value is not None and not (dt.date(1950, 1, 1) <= value <= today):
            errors[key] = "日期须在1950年之后、今天之前"


@transaction.atomic
def save_installation(user, enterprise_id: int, data: dict, lines: list[tuple], *, pk: int | None = None,
                      version: int | None = None, is_demo: bool = False) -> Installation:
    """Create or update an installation with its chemicals; S, R and the grade are computed again."""
    require(user, "monitoring.edit")
    scope = Enterprise.objects.all() if user is SYSTEM else Enterprise.objects.visible_to(user)
    enterprise = scope.filter(pk=enterprise_id).first()
    if enterprise is None:
        raise PermissionDenied("找不到该企业，或不在您的管辖范围内")
    if pk is not None:
        inst = Installation.objects.select_for_update().filter(pk=pk, enterprise=enterprise).first()
        if inst is None:
            raise PermissionDenied("找不到该重大危险源")
        if version is not None and inst.version != version:
            raise ValidationError("该记录已被他人修改，请刷新后重试")
        before = audit.snapshot(inst, AUDITED)
    else:
        inst, before = Installation(enterprise=enterprise, created_by=None if user is SYSTEM else user,
                                    is_demo=is_demo), None
    errors: dict = {}
    name = (data.get("name") or "").strip()[:200]
    if not name:
        errors["name"] = "请填写单元名称"
    if data.get("kind") not in Installation.Kind.values:
        errors["kind"] = "请选择生产单元或储存单元"
    people = data.get("people_within_500m", 0)
    if not isinstance(people, int) or not 0 <= people <= 10_000_000:
        errors["people_within_500m"] = "常住人口须为0到10000000之间的整数"
    lat, lon = data.get("latitude"), data.get("longitude")
    if (lat is None) != (lon is None) or (lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180)):
        errors["latitude"] = "经纬度须同时填写且在范围内"
    _dates(data, errors)
    if errors:
        raise ValidationError(errors)
    result = gb18218.evaluate(lines, people)
    for key in FIELDS:
        if key in data:
            setattr(inst, key, data[key])
    inst.name = name
    inst.s_value, inst.r_value = gb18218.shown(result.s), gb18218.shown(result.r)
    inst.is_major, inst.grade = result.is_major, result.grade
    inst.version += 1
    inst.save()
    inst.chemicals.all().delete()
    InstallationChemical.objects.bulk_create([
        InstallationChemical(installation=inst, chemical=line.chemical, table1_number=line.named.number if line.named else None,
                             category=line.category, quantity=line.quantity, critical=line.critical, beta=line.beta,
                             beta_from=line.beta_from) for line in result.lines])
    summary = (f"重大危险源：{inst.name}（S={inst.s_value}，"
               + (f"{inst.get_grade_display()}，R={inst.r_value}）" if inst.is_major else "未构成重大危险源）"))
    audit.record(user, A.CREATE if before is None else A.UPDATE, inst, before=before,
                 after=audit.snapshot(inst, AUDITED), summary=summary)
    return inst


def is_old(inst: Installation, today: dt.date | None = None) -> bool:
    if inst.commissioned_on is None:
        return False
    today = today or timezone.localdate()
    try:
        anniversary = inst.commissioned_on.replace(year=inst.commissioned_on.year + OLD_YEARS)
    except ValueError:  # 29 February
        anniversary = inst.commissioned_on.replace(year=inst.commissioned_on.year + OLD_YEARS, day=28)
    return anniversary <= today
