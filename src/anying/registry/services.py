"""Every write to the registry. Views, the API, the importer and the demo loader call these."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from anying.core import audit, textinput
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Organisation
from anying.core.permissions import SYSTEM, is_enterprise_user, require
from anying.core.scope import covers

from . import creditcode
from .models import Enterprise, KeyPerson, Post, PostCard, ResponsiblePerson
from .risks import follow_enterprise

CERTIFICATE_YEARS = 3  # 安全生产标准化 certificates run three years (PRODUCT.md §2)

# Fields an enterprise's own safety manager may change; identity and regulatory status are the
# regulator's (see roles.py).
ENTERPRISE_OWN_FIELDS = {
    "address", "employees", "legal_representative", "contact_name", "contact_phone",
    "latitude", "longitude", "coord_system", "insurer", "insurance_policy", "insurance_start", "insurance_end",
}
EDITABLE_FIELDS = ENTERPRISE_OWN_FIELDS | {
    "credit_code", "name", "region", "industry", "scale", "status",
    "std_grade", "std_status", "std_certificate_date", "std_expiry_date", "std_note",
}


def add_years(day, years: int):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a non-leap year
        return day.replace(year=day.year + years, day=28)


def default_expiry(certificate_date):
    """A certificate valid for three years runs through the day before its third anniversary
    (issued 2023-05-10: valid to 2026-05-09), not through the anniversary itself."""
    return add_years(certificate_date, CERTIFICATE_YEARS) - dt.timedelta(days=1)


def follow_renewal(ent: Enterprise, certificate, expiry) -> None:
    """A new certificate date with the expiry left as it was (`certificate`, `expiry`: the stored
    values) is a renewal: the expiry follows the new certificate. The form and the importer carry
    the old expiry along, which used to be refused as "有效期须晚于证书日期"."""
    if (certificate is not None and ent.std_certificate_date and ent.std_certificate_date != certificate
            and ent.std_expiry_date == expiry):
        ent.std_expiry_date = default_expiry(ent.std_certificate_date)


def enterprise_snapshot(ent: Enterprise) -> dict:
    data = audit.snapshot(ent, EDITABLE_FIELDS)
    data["tags"] = sorted(t.name for t in ent.tags.all()) if ent.pk else []
    return data


def apply_standardization_rules(ent: Enterprise, today=None) -> None:
    """Expiry defaults to three years from the certificate (`default_expiry`); a certified
    enterprise past expiry (Asia/Shanghai date) is 过期."""

    today = today or timezone.localdate()
    if ent.std_certificate_date and not ent.std_expiry_date:
        ent.std_expiry_date = default_expiry(ent.std_certificate_date)
    if ent.std_status == Enterprise.StdStatus.CERTIFIED and ent.std_expiry_date and ent.std_expiry_date < today:
        ent.std_status = Enterprise.StdStatus.EXPIRED


def validate(ent: Enterprise, *, check_unique: bool = True, check_relations: bool = True) -> None:
    """Full validation with Chinese messages; raises ValidationError(dict).

    The importer resolves regions and industries from preloaded tables and checks duplicates
    for the whole file at once, so it turns off the per-record database checks."""
    errors: dict[str, list[str]] = {}
    ent.credit_code = creditcode.normalise(ent.credit_code)
    reason = creditcode.problem(ent.credit_code)
    if reason:
        errors.setdefault("credit_code", []).append(reason)
    if ent.std_status in (Enterprise.StdStatus.CERTIFIED, Enterprise.StdStatus.EXPIRED) and not ent.std_grade:
        errors.setdefault("std_grade", []).append("达标或过期的企业须填写标准化等级")
    if ent.std_certificate_date and ent.std_expiry_date and ent.std_expiry_date <= ent.std_certificate_date:
        errors.setdefault("std_expiry_date", []).append("有效期须晚于证书日期")
    if ent.insurance_start and ent.insurance_end and ent.insurance_end < ent.insurance_start:
        errors.setdefault("insurance_end", []).append("保险止期不能早于起期")
    for field in Enterprise._meta.concrete_fields:
        value = getattr(ent, field.attname, None)
        # the input policy again: not every writer comes through a form or the API (PostgreSQL cannot store NUL)
        message = textinput.problem(value) if isinstance(value, str) else None
        if message:
            errors.setdefault(field.name, []).append(message)
    if ent.latitude is not None and not (-90 <= ent.latitude <= 90):
        errors.setdefault("latitude", []).append("纬度应在 -90 至 90 之间")
    if ent.longitude is not None and not (-180 <= ent.longitude <= 180):
        errors.setdefault("longitude", []).append("经度应在 -180 至 180 之间")
    exclude = ["organisation", "credit_code"] + ([] if check_relations else ["region", "industry"])
    try:
        ent.clean_fields(exclude=exclude)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if check_unique and "credit_code" not in errors:
        clash = Enterprise.objects.filter(credit_code=ent.credit_code).exclude(pk=ent.pk)
        if clash.exists():
            errors.setdefault("credit_code", []).append("该统一社会信用代码已登记")
    if errors:
        raise ValidationError(errors)


def _check_placement(actor, ent: Enterprise) -> None:
    if not covers(actor, ent.region, ent.industry):
        raise ValidationError({"region": "所选镇街或行业不在您的监管范围内"})


def check_can_edit(actor, ent: Enterprise) -> None:
    if actor is SYSTEM:
        return
    if is_enterprise_user(actor):
        require(actor, "registry.edit_own")
        if actor.unit_id != ent.organisation_id:
            raise PermissionDenied()
    else:
        require(actor, "registry.edit")
        if not Enterprise.objects.visible_to(actor).filter(pk=ent.pk).exists():
            raise PermissionDenied()


@transaction.atomic
def create_enterprise(actor, data: dict, tags=None) -> Enterprise:
    require(actor, "registry.edit")
    ent = Enterprise(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS | {"is_demo"}})
    validate(ent)  # first: it also turns form/API strings into dates and decimals
    apply_standardization_rules(ent)
    _check_placement(actor, ent)
    ent.organisation = Organisation.objects.create(name=ent.name, kind=Organisation.Kind.ENTERPRISE, region=ent.region)
    ent.save()
    if tags:
        ent.tags.set(tags)
    audit.record(actor, AuditEvent.Action.CREATE, ent, after=enterprise_snapshot(ent))
    return ent


@transaction.atomic
def update_enterprise(actor, ent: Enterprise, data: dict, tags=None, version: str | None = None) -> Enterprise:
    """`version` is the record's updated_at as the editor saw it: if someone saved in between,
    the second save is refused instead of silently reverting the first."""
    ent = Enterprise.objects.select_for_update().select_related("region", "industry").get(pk=ent.pk)
    check_can_edit(actor, ent)
    if version is not None and version != ent.updated_at.isoformat():  # a form always sends one
        raise ValidationError("该企业档案已被他人修改，请刷新页面后重新编辑。")
    allowed = ENTERPRISE_OWN_FIELDS if is_enterprise_user(actor) else EDITABLE_FIELDS
    refused = {k for k, v in data.items() if k not in allowed and getattr(ent, k, None) != v}
    if refused:
        raise PermissionDenied("企业用户不能修改：" + "、".join(Enterprise._meta.get_field(k).verbose_name for k in sorted(refused)))
    before = enterprise_snapshot(ent)
    certificate, expiry = ent.std_certificate_date, ent.std_expiry_date
    for key, value in data.items():
        setattr(ent, key, value)
    follow_renewal(ent, certificate, expiry)
    validate(ent)
    apply_standardization_rules(ent)
    if not is_enterprise_user(actor):
        _check_placement(actor, ent)
        if tags is not None:
            ent.tags.set(tags)
    ent.save()
    Organisation.objects.filter(pk=ent.organisation_id).update(name=ent.name, region=ent.region)
    follow_enterprise(ent)
    after = enterprise_snapshot(ent)
    if after != before:
        audit.record(actor, AuditEvent.Action.UPDATE, ent, before=before, after=after)
    return ent


@transaction.atomic
def save_detail(actor, ent: Enterprise, record: models.Model) -> models.Model:
    """Create or update a record that belongs to an enterprise (三个责任人, key person, post,
    post card). The audit event is filed on the enterprise, so its history shows everything."""
    check_can_edit(actor, ent)
    owner = record.post.enterprise_id if isinstance(record, PostCard) else record.enterprise_id
    if owner != ent.pk:
        raise PermissionDenied()
    stored = type(record).objects.filter(pk=record.pk).first() if record.pk else None
    if stored is not None and getattr(stored, "kind", None) != getattr(record, "kind", None):
        raise ValidationError({"kind": "不能更改已登记记录的类别"})
    if isinstance(record, ResponsiblePerson) and is_enterprise_user(actor) \
            and record.kind != ResponsiblePerson.Kind.ENTERPRISE:
        raise PermissionDenied("企业用户只能维护企业单位负责人")
    before = audit.snapshot(stored) if stored is not None else None
    record.full_clean()
    record.save()
    label = record._meta.verbose_name
    audit.record(actor, AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE, ent,
                 summary=f"{'修改' if before else '新增'}{label}：{record}", before=before, after=audit.snapshot(record))
    return record


@transaction.atomic
def delete_detail(actor, ent: Enterprise, record: models.Model) -> None:
    """Posts and cards may be withdrawn; key persons are deactivated, never deleted."""
    check_can_edit(actor, ent)
    if isinstance(record, KeyPerson):
        before = audit.snapshot(record)
        record.is_active = False
        record.save(update_fields=["is_active"])
        audit.record(actor, AuditEvent.Action.STATE, ent, summary=f"关键人员离岗：{record}",
                     before=before, after=audit.snapshot(record))
    elif isinstance(record, Post):
        # The post's 两单两卡 go with it; their text stays in the audit trail.
        before = audit.snapshot(record)
        for card in record.cards.all():
            before[card.get_kind_display()] = card.content
        record.delete()
        audit.record(actor, AuditEvent.Action.UPDATE, ent, summary=f"删除岗位：{record}", before=before)
    else:
        raise PermissionDenied()


@transaction.atomic
def expire_standardization(today=None) -> int:
    """Due work for `anying tick`: certified enterprises past expiry become 过期 (audited)."""

    today = today or timezone.localdate()
    due = list(Enterprise.objects.select_for_update().filter(
        std_status=Enterprise.StdStatus.CERTIFIED, std_expiry_date__lt=today))
    events = []
    for ent in due:
        events.append(audit.build(None, AuditEvent.Action.STATE, ent, summary="标准化证书到期，状态改为过期",
                                  before={"std_status": "达标"}, after={"std_status": "过期"}))
    Enterprise.objects.filter(pk__in=[e.pk for e in due]).update(std_status=Enterprise.StdStatus.EXPIRED)
    AuditEvent.objects.bulk_create(events)
    return len(due)


def open_account(actor, ent: Enterprise, *, username: str, password: str, display_name: str = ""):
    """An account for the enterprise's safety manager, opened by a regulator who sees it."""
    from anying.core.roles import Role
    from anying.core.services import create_user

    if is_enterprise_user(actor):
        raise PermissionDenied("企业用户不能开通账号")
    check_can_edit(actor, ent)
    return create_user(actor, username=username, password=password, role=Role.ENTERPRISE_USER,
                       unit=ent.organisation, display_name=display_name)
