"""The inspector directory (执法人员) and conflict-of-interest exclusions (回避): every write.

A unit keeps its own inspectors; a district admin keeps those of every unit in the district.
Certificates expire: the draw (issue #4) skips inspectors whose certificate is not valid on the
day, and those excluded from the enterprise."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from anying.core import audit
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Organisation
from anying.core.permissions import SYSTEM, require
from anying.core.scope import region_subtree_q
from anying.registry.models import Enterprise

from .models import Exclusion, Inspector

FIELDS = ["unit", "user", "name", "certificate_no", "certificate_expiry", "phone", "active"]


def managed_units(actor):
    """Units whose inspectors the actor may keep: their own; all of their territory for a
    district admin."""
    government = Organisation.objects.exclude(kind__in=[Organisation.Kind.ENTERPRISE, Organisation.Kind.RESCUE_TEAM])
    if actor is SYSTEM:
        return government
    if actor.has_perm_code("inspections.manage_territory"):
        return government.filter(region_subtree_q(actor, "region"))
    return government.filter(pk=actor.unit_id)


def _check(actor, unit) -> None:
    require(actor, "inspections.manage", "无权维护执法人员")
    if actor is not SYSTEM and not managed_units(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied("只能维护本单位（区级管理员：本区各单位）的执法人员")


def _validate(inspector: Inspector) -> None:
    try:
        inspector.full_clean()
    except ValidationError as exc:
        raise ValidationError({k: "；".join(v) for k, v in exc.message_dict.items()}) from None
    if inspector.user_id and inspector.user.unit_id != inspector.unit_id:
        raise ValidationError({"user": "系统账号须属于同一单位"})


@transaction.atomic
def create(actor, data: dict) -> Inspector:
    inspector = Inspector(**data)
    _check(actor, inspector.unit)
    _validate(inspector)
    inspector.save()
    audit.record(actor, AuditEvent.Action.CREATE, inspector, after=audit.snapshot(inspector, FIELDS))
    return inspector


@transaction.atomic
def update(actor, inspector_id: int, data: dict) -> Inspector:
    inspector = Inspector.objects.select_for_update().get(pk=inspector_id)
    _check(actor, inspector.unit)
    before = audit.snapshot(inspector, FIELDS)
    for key, value in data.items():
        setattr(inspector, key, value)
    _check(actor, inspector.unit)  # and the unit it moves to
    _validate(inspector)
    inspector.save()
    audit.record(actor, AuditEvent.Action.UPDATE, inspector, before=before, after=audit.snapshot(inspector, FIELDS))
    return inspector


@transaction.atomic
def exclude(actor, inspector_id: int, enterprise: Enterprise, reason: str) -> Exclusion:
    inspector = Inspector.objects.select_related("unit").get(pk=inspector_id)
    _check(actor, inspector.unit)
    if actor is not SYSTEM and not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDenied("只能登记本人监管范围内企业的回避关系")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写回避原因"})
    try:
        with transaction.atomic():
            exclusion = Exclusion.objects.create(inspector=inspector, enterprise=enterprise, reason=reason.strip(),
                                                 created_by=actor)
    except IntegrityError:
        raise ValidationError(f"{inspector.name} 已登记回避 {enterprise.name}") from None
    audit.record(actor, AuditEvent.Action.CREATE, exclusion, summary=f"{inspector.name} 回避 {enterprise.name}：{reason}")
    return exclusion


@transaction.atomic
def lift(actor, exclusion_id: int) -> None:
    exclusion = Exclusion.objects.select_related("inspector__unit", "enterprise").get(pk=exclusion_id)
    _check(actor, exclusion.inspector.unit)
    audit.record(actor, AuditEvent.Action.UPDATE, exclusion.inspector,
                 summary=f"解除对 {exclusion.enterprise.name} 的回避（原因：{exclusion.reason}）")
    exclusion.delete()


def exclusions(user, inspector: Inspector):
    """The inspector's exclusions the user may see: they name enterprises, so a department sees
    only those of its industries."""
    return Exclusion.objects.visible_to(user).filter(inspector=inspector)
