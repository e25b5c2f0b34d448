"""Writes of the 包保责任人 (docs/monitoring.md "包保责任人"): naming or replacing one, recording a
履职, and registering the hazards a 履职 found — each with its permission, scope, validation
(Chinese, nothing changed on an error) and audit, in one transaction."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anying.core import audit
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, User
from anying.core.permissions import SYSTEM, is_enterprise_user, require
from anying.core.routine import BACKFILL_DAYS

from . import baobao
from .models import Installation
from .models_baobao import DutyRecord, Guarantor, Kind

A = AuditEvent.Action
GUARANTOR_AUDITED = ["kind", "name", "position", "phone", "user", "since", "until"]
RECORD_AUDITED = ["guarantor", "done_on", "checked", "items", "result", "problems"]
TEXT_MAX = 2000
PHONE = re.compile(r"^[0-9+\-() ]{7,30}$")


def _installation(user, installation_id: int, *, lock: bool = False) -> Installation:
    scope = Installation.objects.all() if user is SYSTEM else Installation.objects.visible_to(user)
    if lock:
        scope = scope.select_for_update()
    inst = scope.filter(pk=installation_id).select_related("enterprise").first()
    if inst is None:
        raise PermissionDenied("找不到该重大危险源，或不在您的管辖范围内")
    return inst


def _person(data: dict, inst: Installation, errors: dict) -> dict:
    name = (data.get("name") or "").strip()
    position = (data.get("position") or "").strip()
    phone = (data.get("phone") or "").strip()
    if not name:
        errors["name"] = "请填写姓名"
    elif len(name) > 50:
        errors["name"] = "姓名不能超过50个字"
    if len(position) > 60:
        errors["position"] = "职务不能超过60个字"
    if not phone:
        errors["phone"] = "请填写联系电话（公示牌须写明联系方式）"
    elif not PHONE.match(phone):
        errors["phone"] = "联系电话只能包含数字、空格和 + - ( )，7到30位"
    account = data.get("user")
    if account is not None:
        account_id = account.pk if isinstance(account, User) else account
        account = User.objects.filter(pk=account_id, unit_id=inst.enterprise.organisation_id, is_active=True).first()
        if account is None:
            errors["user"] = "绑定的账号须是本企业的在用账号"
    return {"name": name, "position": position, "phone": phone, "user": account}


@transaction.atomic
def assign_guarantor(user, installation_id: int, kind: str, data: dict, *, is_demo: bool = False) -> Guarantor:
    """Name the installation's person in `kind`. The same person again (same name and account)
    updates the current row (a new phone, a new title); another person closes the current row on
    their first day (`since`) and opens theirs, so the history stays."""
    require(user, "monitoring.edit", "无权确定包保责任人")
    inst = _installation(user, installation_id, lock=True)  # the lock serialises changes of the three kinds
    errors: dict = {}
    if kind not in Kind.values:
        errors["kind"] = "请选择主要负责人、技术负责人或操作负责人"
    if not inst.is_major or inst.retired_on:
        errors["kind"] = "该单元未构成重大危险源（或已核销），无需确定包保责任人"
    person = _person(data, inst, errors)
    since = data.get("since") or timezone.localdate()
    if not isinstance(since, dt.date) or since > timezone.localdate():
        errors["since"] = "任职日期不能晚于今天"
    current = None if errors.get("kind") else Guarantor.objects.filter(installation=inst, kind=kind, until__isnull=True) \
        .select_for_update().first()
    same = current is not None and current.name == person["name"] and current.user_id == (
        person["user"].pk if person["user"] else None)
    if current is not None and not same and "since" not in errors and since <= current.since:
        errors["since"] = f"新的任职日期须晚于现任（{current.name}，{current.since:%Y-%m-%d} 起）"
    if errors:
        raise ValidationError(errors)
    label = Kind(kind).label
    if same:
        before = audit.snapshot(current, GUARANTOR_AUDITED)
        current.position, current.phone = person["position"], person["phone"]
        current.save(update_fields=["position", "phone"])
        audit.record(user, A.UPDATE, current, before=before, after=audit.snapshot(current, GUARANTOR_AUDITED),
                     summary=f"{inst.name}{label}：{current.name}（更新职务、电话）")
        return current
    if current is not None:
        before = audit.snapshot(current, GUARANTOR_AUDITED)
        current.until = since
        current.save(update_fields=["until"])
        audit.record(user, A.UPDATE, current, before=before, after=audit.snapshot(current, GUARANTOR_AUDITED),
                     summary=f"{inst.name}{label}：{current.name} 卸任（{since:%Y-%m-%d}）")
    new = Guarantor.objects.create(installation=inst, kind=kind, since=since, is_demo=is_demo,
                                   created_by=None if user is SYSTEM else user, **person)
    audit.record(user, A.CREATE, new, after=audit.snapshot(new, GUARANTOR_AUDITED),
                 summary=f"{inst.name}{label}：{new.name}（{since:%Y-%m-%d} 起）")
    return new


def _guarantor(user, guarantor_id: int, *, lock: bool = False) -> Guarantor:
    scope = Guarantor.objects.all() if user is SYSTEM else Guarantor.objects.visible_to(user)
    if lock:
        scope = scope.select_for_update(of=("self",))
    g = scope.filter(pk=guarantor_id).select_related("installation__enterprise").first()
    if g is None:
        raise PermissionDenied("找不到该包保责任人，或不在您的管辖范围内")
    return g


@transaction.atomic
def record_duty(user, guarantor_id: int, data: dict, *, is_demo: bool = False) -> DutyRecord:
    """A 履职 of a current guarantor, entered by the enterprise (by the guarantor themself when
    they have an account). A day up to BACKFILL_DAYS back may be entered (done on paper); older
    gaps stay gaps, so what the town was shown is not rewritten."""
    require(user, "monitoring.duty", "无权录入履职记录")
    if user is not SYSTEM and not is_enterprise_user(user):
        raise PermissionDenied("履职记录由企业录入")
    g = _guarantor(user, guarantor_id, lock=True)
    if g.until is not None:
        raise ValidationError({"guarantor": f"{g.name}已于 {g.until:%Y-%m-%d} 卸任，请为现任包保责任人录入"})
    if user is not SYSTEM and g.user_id and g.user_id != user.pk:
        raise PermissionDenied(f"{g.get_kind_display()}{g.name}已绑定账号，履职记录须由本人录入")
    errors: dict = {}
    today = timezone.localdate()
    done_on = data.get("done_on")
    if not isinstance(done_on, dt.date):
        errors["done_on"] = "请填写履职日期"
    elif done_on > today:
        errors["done_on"] = "履职日期不能晚于今天"
    elif done_on < g.since:
        errors["done_on"] = f"履职日期不能早于任职日期（{g.since:%Y-%m-%d}）"
    elif user is not SYSTEM and done_on < today - dt.timedelta(days=BACKFILL_DAYS):
        errors["done_on"] = f"只能补录 {BACKFILL_DAYS} 天内的履职（最早 {today - dt.timedelta(days=BACKFILL_DAYS):%Y-%m-%d}）"
    checked = (data.get("checked") or "").strip()
    problems = (data.get("problems") or "").strip()
    if not checked:
        errors["checked"] = "请填写检查内容"
    elif len(checked) > TEXT_MAX:
        errors["checked"] = f"检查内容不能超过{TEXT_MAX}字"
    if len(problems) > TEXT_MAX:
        errors["problems"] = f"发现的问题不能超过{TEXT_MAX}字"
    result = data.get("result") or (DutyRecord.Result.PROBLEMS if problems else DutyRecord.Result.NORMAL)
    if result not in DutyRecord.Result.values:
        errors["result"] = "请选择履职结论"
    elif result == DutyRecord.Result.PROBLEMS and not problems:
        errors["problems"] = "结论为发现问题时，请写明发现的问题"
    elif result == DutyRecord.Result.NORMAL and problems:
        errors["result"] = "填写了发现的问题，结论应为“发现问题”"
    known = [d.clause for d in baobao.duties()[g.kind]]
    items = list(dict.fromkeys(data.get("items") or []))
    if any(i not in known for i in items):
        errors["items"] = "对照职责只能选择本职责的条款" if known else "该职责没有可对照的条款"
    if errors:
        raise ValidationError(errors)
    record = DutyRecord.objects.create(guarantor=g, installation_id=g.installation_id, kind=g.kind, done_on=done_on,
                                       checked=checked, items=sorted(items, key=known.index), result=result,
                                       problems=problems, created_by=None if user is SYSTEM else user, is_demo=is_demo)
    audit.record(user, A.CREATE, record, after=audit.snapshot(record, RECORD_AUDITED),
                 summary=f"{g.installation.name}{g.get_kind_display()}{g.name}履职（{done_on:%Y-%m-%d}）")
    return record


@transaction.atomic
def register_hazard(user, record_id: int, data: dict):
    """A problem a 履职 found becomes a hazard of the enterprise (企业自查), linked to the record."""
    from anying.hazards import services as hazard_services
    from anying.hazards.models import Hazard

    require(user, "hazards.act", "无权登记隐患")
    if not is_enterprise_user(user):
        raise PermissionDenied("履职发现的问题由企业登记为自查隐患")
    record = DutyRecord.objects.visible_to(user).select_for_update(of=("self",)) \
        .select_related("installation__enterprise").filter(pk=record_id).first()
    if record is None:
        raise PermissionDenied("找不到该履职记录")
    hazard = hazard_services.register(user, {**data, "enterprise": record.installation.enterprise,
                                             "channel": Hazard.Channel.SELF})
    record.hazards.add(hazard)
    audit.record(user, A.UPDATE, record, summary=f"履职发现问题登记隐患 #{hazard.pk}")
    return hazard
