"""The monthly report: compiling it from the registered blocks, the enterprise's confirmation
(which freezes it), who owes one, the town's view of a month, and the clock that flags the late."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, notifications, recipients
from anying.core.errors import PermissionDenied
from anying.core.hooks import MONTHLY_SOURCES, MonthlySource
from anying.core.models import AuditEvent, Region
from anying.core.permissions import SYSTEM, is_enterprise_user, require
from anying.registry.models import Enterprise

from . import rules
from .models import LateNotice, MonthlyReport

A = AuditEvent.Action


def sources() -> list[MonthlySource]:
    return sorted(MONTHLY_SOURCES.values(), key=lambda s: (s.order, s.key))


def _plain(value):
    """JSON keeps numbers as they are; an amount keeps its cents as text ("1250.00")."""
    if isinstance(value, Decimal):  # cents always (SQLite's sums drop trailing zeros)
        return str(value.quantize(Decimal("0.01")))
    return value


def compile_report(enterprise: Enterprise, month: dt.date) -> tuple[dict, dict]:
    """({block: {figure: value}}, {block: [detail rows]}) from the enterprise's records now."""
    start, end = month, rules.month_end(month)
    figures, details = {}, {}
    for source in sources():
        values = source.compile(enterprise, start, end)
        figures[source.key] = {key: _plain(values.get(key, 0)) for key, _label, _unit in source.figures}
        if source.details is not None:
            details[source.key] = source.details(enterprise, start, end)
    return figures, details


def required(qs, month: dt.date):
    """The enterprises that owe a report for `month`: registered by its end, not closed."""
    end = rules.month_end(month)
    return qs.filter(created_at__date__lte=end).exclude(status=Enterprise.Status.CLOSED)


def may_confirm(user, enterprise: Enterprise) -> bool:
    return user is SYSTEM or (is_enterprise_user(user) and user.unit_id == enterprise.organisation_id
                              and user.has_perm_code("monthly.confirm"))


@transaction.atomic
def confirm(actor, enterprise: Enterprise, month: dt.date, note: str = "", now: dt.datetime | None = None) -> MonthlyReport:
    """The enterprise confirms a past month's report: compiled now and frozen."""
    require(actor, "monthly.confirm", "无权确认企业月报")
    if not may_confirm(actor, enterprise):
        raise PermissionDenied("只能确认本企业的月报")
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    if month != rules.month_start(month) or month >= rules.month_start(today):
        raise ValidationError({"month": "只能确认已结束月份的月报（每月5日前确认上月月报）"})
    created = Enterprise.objects.filter(pk=enterprise.pk).values_list("created_at", flat=True).first()
    registered = rules.month_start(timezone.localtime(created).date())
    if month < max(registered, dt.date(2000, 1, 1)):
        raise ValidationError({"month": f"企业{registered:%Y年%m月}起在本平台登记，此前的月份无需报送"})
    if MonthlyReport.objects.filter(enterprise=enterprise, month=month).exists():
        raise ValidationError("该月月报已确认，不能重复确认")
    note = str(note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": "说明不能超过2000字"})
    figures, details = compile_report(enterprise, month)
    due = rules.due_on(month)
    try:
        with transaction.atomic():
            report = MonthlyReport.objects.create(
                enterprise=enterprise, region_id=enterprise.region_id, industry_id=enterprise.industry_id,
                organisation_id=enterprise.organisation_id, month=month, figures=figures, details=details, note=note,
                due_on=due, confirmed_at=now, confirmed_by=None if actor is SYSTEM else actor, late=today > due)
    except IntegrityError:  # confirmed at the same moment by another account of the enterprise
        raise ValidationError("该月月报已确认，不能重复确认") from None
    audit.record(actor, A.CREATE, report, summary=f"确认{month:%Y年%m月}月报" + ("（逾期）" if report.late else ""))
    return report


def figure_labels() -> list[tuple[str, str, str, str, str]]:
    """(block key, block label, figure key, label, unit) of every figure, in display order."""
    return [(s.key, s.label, key, label, unit) for s in sources() for key, label, unit in s.figures]


def as_number(value) -> Decimal:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return Decimal(0)


def month_view(user, month: dt.date, enterprises) -> dict:
    """A month for a town or the district: every enterprise that owes a report with its state,
    the counts, and the confirmed figures summed by industry."""
    today = timezone.localdate()
    due = rules.due_on(month)
    reports = {r.enterprise_id: r for r in MonthlyReport.objects.visible_to(user).filter(month=month)
               .only("id", "enterprise_id", "confirmed_at", "late", "figures", "industry_id")}
    rows, counts = [], {"owed": 0, "confirmed": 0, "late_confirmed": 0, "missing": 0, "pending": 0}
    sums: dict[str, dict[tuple[str, str], Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    industry_counts: dict[str, int] = defaultdict(int)
    for ent in enterprises:
        counts["owed"] += 1
        report = reports.get(ent.pk)
        if report is not None:
            state = "late_confirmed" if report.late else "confirmed"
            counts["confirmed"] += 1
            counts["late_confirmed"] += int(report.late)
            industry_counts[ent.industry.name] += 1
            for block, values in report.figures.items():
                for key, value in values.items():
                    sums[ent.industry.name][(block, key)] += as_number(value)
        else:
            state = "missing" if today > due else "pending"
            counts[state] += 1
        rows.append({"enterprise": ent, "report": report, "state": state})
    return {"rows": rows, "counts": counts, "due": due, "sums": {k: dict(v) for k, v in sums.items()},
            "industry_counts": dict(industry_counts)}


STATE_LABELS = {"confirmed": "已确认", "late_confirmed": "逾期确认", "missing": "逾期未报", "pending": "待确认"}


# --- the clock ---------------------------------------------------------------------------------------

def flag_late(now: dt.datetime) -> int:
    """From the day after the deadline, tell each town once which of its enterprises have not
    confirmed last month's report, and remind those enterprises. Returns the towns told."""
    today = timezone.localtime(now).date()
    month = rules.previous_month(today)
    if today <= rules.due_on(month):
        return 0
    told = 0
    for town in Region.objects.filter(level=Region.Level.TOWN):
        if LateNotice.objects.filter(town=town, month=month).exists():
            continue
        owing = required(Enterprise.objects.filter(region__path__startswith=town.path), month)
        missing = list(owing.exclude(pk__in=MonthlyReport.objects.filter(month=month).values("enterprise_id"))
                       .order_by("name").values_list("pk", "name", "organisation_id"))
        try:
            with transaction.atomic():
                LateNotice.objects.create(town=town, month=month, missing=len(missing))
        except IntegrityError:
            continue  # another tick got there first
        if not missing:
            continue
        told += 1
        url = reverse("monthly:overview") + f"?month={month:%Y-%m}&state=missing&region={town.pk}"
        names = "、".join(name for _pk, name, _org in missing[:10]) + (f"等{len(missing)}家" if len(missing) > 10 else "")
        messages = [(u, f"{month:%Y年%m月}企业月报：{len(missing)}家逾期未报", f"{town.name}：{names}。报送期限为{rules.due_on(month):%m月%d日}。", url)
                    for u in recipients.town(town) if u.has_perm_code("monthly.view")]
        org_ids = [org for _pk, _name, org in missing]
        messages += [(u, f"请尽快确认{month:%Y年%m月}安全生产月报", f"本企业{month:%Y年%m月}月报已逾期（应于{rules.due_on(month):%m月%d日}前确认）。",
                      reverse("monthly:mine")) for u in recipients.members(org_ids, "monthly.confirm")]
        notifications.notify_many(messages)
        audit.record(SYSTEM, A.UPDATE, None, summary=f"{town.name}{month:%Y年%m月}企业月报逾期未报 {len(missing)} 家，已通知镇街")
    return told


def visible_enterprises(user, *, region=None, industry=None, q: str = ""):
    qs = Enterprise.objects.visible_to(user).select_related("industry", "region")
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    if industry is not None:
        qs = qs.filter(Q(industry=industry) | Q(industry__path__startswith=industry.path))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__icontains=q))
    return qs.order_by("region__path", "name")
