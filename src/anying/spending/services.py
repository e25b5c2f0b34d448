"""Writes of the safety-spending ledger. The enterprise keeps its own (spending.record): the
year's ledger (class, base → the required amount) and its entries; its town and departments read
(spending.view). Every function checks the permission and that the enterprise is the actor's
own, validates with Chinese messages keyed by field (nothing written on a refusal), and records
the audit event in the same transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from anying.core import audit
from anying.core.attachments import attach, check_upload
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM, require
from anying.registry.models import Enterprise

from . import reference
from .models import Entry, Ledger

A = AuditEvent.Action
LEDGER_FIELDS = ["year", "class_key", "base", "required", "carried", "note"]
ENTRY_FIELDS = ["kind", "on", "amount", "category", "description", "voucher"]
MAX_AMOUNT = Decimal("999999999999.99")


def _decimal(data: dict, key: str, label: str, errors: dict, *, allow_zero: bool = True) -> Decimal:
    raw = data.get(key)
    try:
        value = Decimal(str(raw).replace(",", "").strip()) if raw not in (None, "") else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value > MAX_AMOUNT or (not allow_zero and value == 0):
        errors[key] = f"请填写{label}（{'大于' if not allow_zero else '不小于'}0 的数字）"
        return Decimal(0)
    return value.quantize(Decimal("0.01"))


def _enterprise(actor, enterprise) -> Enterprise:
    """The actor's own enterprise (an enterprise user writes only its own ledger)."""
    pk = getattr(enterprise, "pk", enterprise)
    scope = Enterprise.objects.all() if actor is SYSTEM else Enterprise.objects.visible_to(actor)
    found = scope.filter(pk=pk).first() if isinstance(pk, int) else None
    if found is None:
        raise PermissionDenied("只能填报本企业的安全生产费用")
    return found


def ledgers(actor):
    return Ledger.objects.all() if actor is SYSTEM else Ledger.objects.visible_to(actor)


@transaction.atomic
def save_ledger(actor, data: dict, *, pk: int | None = None, version: int | None = None,
                is_demo: bool = False) -> Ledger:
    """Open (or correct) a year's ledger; the required amount is computed from the class and base."""
    require(actor, "spending.record", "无权填报安全生产费用")
    if pk is not None:
        ledger = ledgers(actor).select_for_update(of=("self",)).filter(pk=pk).first()
        if ledger is None:
            raise PermissionDenied("只能填报本企业的安全生产费用")
        if version is not None and version != ledger.version:
            raise ValidationError("该台账已被他人修改，请刷新后重试")
        before = audit.snapshot(ledger, LEDGER_FIELDS)
    else:
        ledger = Ledger(enterprise=_enterprise(actor, data.get("enterprise")), is_demo=is_demo,
                        created_by=None if actor is SYSTEM else actor)
        before = None
    errors: dict = {}
    year = data.get("year")
    this_year = timezone.localdate().year
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= this_year + 1:
        errors["year"] = f"年度须在2000到{this_year + 1}之间"
    elif Ledger.objects.filter(enterprise=ledger.enterprise, year=year).exclude(pk=ledger.pk).exists():
        errors["year"] = f"{year}年的台账已建立，请在原台账中填报"
    class_key = data.get("class_key") or ""
    if class_key not in reference.classes():
        errors["class_key"] = "请选择《企业安全生产费用提取和使用管理办法》中的行业类别"
    base = _decimal(data, "base", "计提依据", errors)
    carried = _decimal({**data, "carried": data.get("carried") or 0}, "carried", "上年结余", errors)
    note = " ".join(str(data.get("note") or "").split())[:300]
    if errors:
        raise ValidationError(errors)
    ledger.year, ledger.class_key, ledger.base, ledger.carried, ledger.note = year, class_key, base, carried, note
    ledger.required = reference.required(class_key, base)
    if pk is not None:
        ledger.version += 1
    ledger.save()
    audit.record(actor, A.UPDATE if before else A.CREATE, ledger, before=before,
                 after=audit.snapshot(ledger, LEDGER_FIELDS), place=ledger.enterprise,
                 summary=f"{ledger.year}年应提取 {ledger.required:,.2f} 元")
    return ledger


def _retotal(ledger: Ledger) -> None:
    sums = ledger.entries.aggregate(s=Sum("amount", filter=Q(kind=Entry.Kind.SET_ASIDE)),
                                    u=Sum("amount", filter=Q(kind=Entry.Kind.SPEND)))
    ledger.set_aside, ledger.spent = sums["s"] or Decimal(0), sums["u"] or Decimal(0)
    ledger.save(update_fields=["set_aside", "spent"])


@transaction.atomic
def add_entry(actor, ledger_pk: int, data: dict, *, files=()) -> Entry:
    """One 提取 or 使用. A 使用 names its category (the class's 使用范围) and may not exceed the
    balance (结余: carried + set aside − spent); a 使用 without a voucher number needs its voucher
    scanned and attached."""
    require(actor, "spending.record", "无权填报安全生产费用")
    ledger = ledgers(actor).select_for_update(of=("self",)).filter(pk=ledger_pk).first()
    if ledger is None:
        raise PermissionDenied("只能填报本企业的安全生产费用")
    errors: dict = {}
    kind = data.get("kind")
    if kind not in Entry.Kind.values:
        errors["kind"] = "请选择提取或使用"
    on = data.get("on")
    if not isinstance(on, dt.date):
        errors["on"] = "请填写日期"
    elif on.year != ledger.year:
        errors["on"] = f"日期须在{ledger.year}年内"
    elif on > timezone.localdate():
        errors["on"] = "日期不能晚于今天"
    amount = _decimal(data, "amount", "金额", errors, allow_zero=False)
    category = data.get("category") or ""
    if kind == Entry.Kind.SPEND:
        if category not in {c.code for c in reference.categories_for(ledger.class_key)}:
            errors["category"] = "请选择使用类别（本行业的使用范围）"
        elif amount > ledger.balance:
            errors["amount"] = f"使用金额超过结余（{ledger.balance:,.2f} 元），请先登记提取"
    else:
        category = ""
    description = " ".join(str(data.get("description") or "").split())[:200]
    if not description:
        errors["description"] = "请填写摘要"
    voucher = " ".join(str(data.get("voucher") or "").split())[:40]
    for upload in files:
        try:
            check_upload(upload)
        except ValidationError as exc:
            errors["files"] = exc.messages[0]
    if kind == Entry.Kind.SPEND and not voucher and not files and "files" not in errors:
        errors["voucher"] = "使用须填写凭证号或上传凭证"
    if errors:
        raise ValidationError(errors)
    entry = Entry.objects.create(ledger=ledger, kind=kind, on=on, amount=amount, category=category,
                                 description=description, voucher=voucher,
                                 created_by=None if actor is SYSTEM else actor)
    for upload in files:
        attach(actor, entry, upload, audit_on=ledger)
    _retotal(ledger)
    audit.record(actor, A.CREATE, entry, after=audit.snapshot(entry, ENTRY_FIELDS), place=ledger.enterprise,
                 summary=f"{entry.get_kind_display()} {amount:,.2f} 元")
    return entry


def month_figures(enterprise, start: dt.date, end: dt.date) -> dict:
    """The monthly report's block (core.hooks.MonthlySource "spending"): 元 set aside and spent."""
    sums = Entry.objects.filter(ledger__enterprise=enterprise, on__range=(start, end)).aggregate(
        s=Sum("amount", filter=Q(kind=Entry.Kind.SET_ASIDE)), u=Sum("amount", filter=Q(kind=Entry.Kind.SPEND)))
    return {"set_aside": sums["s"] or Decimal(0), "spent": sums["u"] or Decimal(0)}
