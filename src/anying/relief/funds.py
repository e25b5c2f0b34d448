"""Writes of relief funds in the open: allocations (下拨) of relief money to towns by source, their
use by the towns (to households or projects, never beyond the balance of that source), and the
findings of 监督检查 with their handling and follow-up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from anying.core import audit, workflow
from anying.core.models import AuditEvent, Region
from anying.core.permissions import SYSTEM, require
from anying.core.scope import covers

from .models import Finding, Fund, FundUse, Round, Source
from .services import _money, _text, today

A = AuditEvent.Action
MAX_FUND = Decimal("10000000000")
FUND_FIELDS = ["region", "source", "amount", "allocated_on", "reference", "purpose", "round"]
USE_FIELDS = ["region", "source", "kind", "amount", "used_on", "description", "households"]
FINDING_FIELDS = ["region", "kind", "unit_name", "amount", "found_on", "description", "handling", "follow_up",
                  "recovered", "status", "closed_on"]


def _town(actor, town, errors: dict) -> Region | None:
    if not isinstance(town, Region) or town.level != Region.Level.TOWN:
        errors["region"] = "请选择镇街"
        return None
    if not covers(actor, town):
        errors["region"] = "不在您管理的区划范围内"
        return None
    return town


def _date(value, field: str, errors: dict) -> dt.date | None:
    if not isinstance(value, dt.date) or value > today():
        errors[field] = "请填写日期（不能晚于今天）"
        return None
    return value


@transaction.atomic
def allocate_fund(actor, data: dict) -> Fund:
    """下拨: the district sends relief money of a source down to a town."""
    require(actor, "relief.funds")
    errors: dict = {}
    town = _town(actor, data.get("region"), errors)
    source = data.get("source")
    if source not in Source.values:
        errors["source"] = "请选择资金来源"
    amount = _money(data.get("amount"), "amount", errors, limit=MAX_FUND)
    on = _date(data.get("allocated_on") or today(), "allocated_on", errors)
    purpose = _text(data, "purpose", 200)
    if not purpose:
        errors["purpose"] = "请填写用途"
    rnd = data.get("round")
    if rnd is not None and not (isinstance(rnd, Round) and town and town.path.startswith(rnd.region.path)):
        errors["round"] = "冬春救助工作与镇街不符"
    if errors:
        raise ValidationError(errors)
    fund = Fund.objects.create(region=town, source=source, amount=amount, allocated_on=on,
                               reference=_text(data, "reference", 60), purpose=purpose, round=rnd,
                               created_by=None if actor is SYSTEM else actor)
    audit.record(actor, A.CREATE, fund, after=audit.snapshot(fund, FUND_FIELDS),
                 summary=f"下拨救灾资金：{town.name} {fund.get_source_display()} {amount} 元")
    return fund


def balances(region_ids=None) -> dict[tuple[int, str], Decimal]:
    """{(town id, source): allocated − used}."""
    funds = Fund.objects.all()
    uses = FundUse.objects.all()
    if region_ids is not None:
        funds, uses = funds.filter(region_id__in=region_ids), uses.filter(region_id__in=region_ids)
    out: dict = {}
    for row in funds.values("region_id", "source").annotate(s=Sum("amount")):
        out[(row["region_id"], row["source"])] = row["s"]
    for row in uses.values("region_id", "source").annotate(s=Sum("amount")):
        key = (row["region_id"], row["source"])
        out[key] = out.get(key, Decimal(0)) - row["s"]
    return out


@transaction.atomic
def record_use(actor, data: dict) -> FundUse:
    """A town spends relief money of a source: to households (how many) or on a project."""
    require(actor, "relief.fund_use")
    errors: dict = {}
    town = _town(actor, data.get("region"), errors)
    source = data.get("source")
    if source not in Source.values:
        errors["source"] = "请选择资金来源"
    kind = data.get("kind")
    if kind not in FundUse.Kind.values:
        errors["kind"] = "请选择使用方式"
    amount = _money(data.get("amount"), "amount", errors, limit=MAX_FUND)
    on = _date(data.get("used_on") or today(), "used_on", errors)
    description = _text(data, "description", 200)
    if not description:
        errors["description"] = "请说明资金用途"
    households = data.get("households") or 0
    if not isinstance(households, int) or not 0 <= households <= 1_000_000:
        errors["households"] = "受益户数须为不小于0的整数"
    if kind == FundUse.Kind.HOUSEHOLDS and not households:
        errors["households"] = "发放到户请填写受益户数"
    if not errors:
        # the town's funds are locked so two uses at once cannot both spend the last of a balance
        list(Fund.objects.select_for_update().filter(region=town, source=source).values_list("pk", flat=True))
        left = balances([town.pk]).get((town.pk, source), Decimal(0))
        if amount > left:
            errors["amount"] = f"超过{town.name}{Source(source).label}资金结余 {left} 元"
    if errors:
        raise ValidationError(errors)
    use = FundUse.objects.create(region=town, source=source, kind=kind, amount=amount, used_on=on,
                                 description=description, households=households,
                                 created_by=None if actor is SYSTEM else actor)
    audit.record(actor, A.CREATE, use, after=audit.snapshot(use, USE_FIELDS),
                 summary=f"救灾资金使用：{town.name} {description} {amount} 元")
    return use


@transaction.atomic
def save_finding(actor, data: dict, *, pk: int | None = None, version: int | None = None) -> Finding:
    """A finding of 监督检查 — recorded, then its handling and follow-up until it is closed."""
    require(actor, "relief.funds")
    if pk is not None:
        scope = Finding.objects.all() if actor is SYSTEM else Finding.objects.visible_to(actor)
        finding = scope.select_for_update(of=("self",)).get(pk=pk)
        if version is not None and finding.version != version:
            raise workflow.StaleVersion()
        if finding.status == Finding.Status.CLOSED:
            raise ValidationError("已办结的问题不能修改")
        before = audit.snapshot(finding, FINDING_FIELDS)
    else:
        finding, before = Finding(created_by=None if actor is SYSTEM else actor), None
    errors: dict = {}
    town = _town(actor, data.get("region"), errors)
    if data.get("kind") not in Finding.Kind.values:
        errors["kind"] = "请选择问题类型"
    unit_name = _text(data, "unit_name", 100)
    if not unit_name:
        errors["unit_name"] = "请填写涉及单位"
    amount = Decimal(0)
    if data.get("amount") not in (None, "", 0):
        amount = _money(data.get("amount"), "amount", errors, limit=MAX_FUND) or Decimal(0)
    recovered = Decimal(0)
    if data.get("recovered") not in (None, "", 0):
        recovered = _money(data.get("recovered"), "recovered", errors, limit=MAX_FUND) or Decimal(0)
    if recovered > amount:
        errors["recovered"] = "已追回金额不能超过涉及金额"
    found = _date(data.get("found_on"), "found_on", errors)
    description = _text(data, "description", 2000, multiline=True)
    if not description:
        errors["description"] = "请描述问题"
    status = data.get("status") or Finding.Status.OPEN
    if status not in Finding.Status.values:
        errors["status"] = "请选择状态"
    handling = _text(data, "handling", 2000, multiline=True)
    if status == Finding.Status.CLOSED and not handling:
        errors["handling"] = "办结前请填写处理情况"
    if errors:
        raise ValidationError(errors)
    finding.region, finding.kind, finding.unit_name, finding.amount = town, data["kind"], unit_name, amount
    finding.found_on, finding.description, finding.handling = found, description, handling
    finding.follow_up = _text(data, "follow_up", 2000, multiline=True)
    finding.recovered, finding.status = recovered, status
    finding.closed_on = today() if status == Finding.Status.CLOSED else None
    if finding.pk:
        finding.version += 1
    finding.save()
    audit.record(actor, A.CREATE if before is None else A.UPDATE, finding, before=before,
                 after=audit.snapshot(finding, FINDING_FIELDS),
                 summary=f"监督检查：{finding.get_kind_display()} {unit_name}（{finding.get_status_display()}）")
    return finding
