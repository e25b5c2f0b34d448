"""Rankings (晾晒) and assessments (考核): compute a period's ranking of towns or departments
under a scheme, publish it, keep the history.

A ranking is computed as a draft (by the 区安委办, or by `anying tick` after each period), checked,
then published: from then on it is a snapshot — values, scores, ranks and the indicator
definitions and weights in force — that no later change of data or scheme alters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, periods
from anying.core.models import AuditEvent, Organisation, User
from anying.core.notifications import notify
from anying.core.permissions import require

from .indicators import INDICATORS, Period, scores, supervises_anything
from .models import PeriodKind, Ranking, RankingScheme

QUARTERS = "一二三四"
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)  # the periods anyone ranks or reports on


def check_day(day) -> None:
    if not isinstance(day, dt.date) or not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError({"day": "日期应在 2000 年至 2100 年之间"})


FREQUENCY = {PeriodKind.WEEK: "weekly", PeriodKind.MONTH: "monthly", PeriodKind.QUARTER: "quarterly",
             PeriodKind.YEAR: "yearly"}


def period_of(kind: str, day: dt.date) -> tuple[Period, str]:
    """The period of `kind` that contains `day` (core.periods' arithmetic), and how a
    ranking or report names it: 2026年11月16日—11月22日, 2026年10月, 2026年第四季度, 2026年."""
    frequency = FREQUENCY[kind]
    start = periods.start(frequency, day)
    end = periods.end(frequency, start)
    if kind == PeriodKind.WEEK:
        label = f"{start:%Y年%m月%d日}—{end:%m月%d日}"
    elif kind == PeriodKind.MONTH:
        label = f"{start.year}年{start.month}月"
    elif kind == PeriodKind.QUARTER:
        label = f"{start.year}年第{QUARTERS[(start.month - 1) // 3]}季度"
    else:
        label = f"{start.year}年"
    return Period(start, end), label


def last_complete(kind: str, today: dt.date) -> tuple[Period, str]:
    """The most recent period of `kind` that has ended before today."""
    return period_of(kind, periods.previous(FREQUENCY[kind], period_of(kind, today)[0].start))


def subjects(scheme: RankingScheme, issuer: Organisation):
    return Organisation.objects.filter(kind=scheme.subject, is_active=True,
                                       region__path__startswith=issuer.region.path).order_by("region__path", "name")


def measure(scheme: RankingScheme, issuer: Organisation, period: Period, today: dt.date) -> tuple[list, list, list]:
    """(indicator snapshot, ranked rows, units not ranked). Total = Σ weight × score ÷ Σ weights
    of the indicators that apply to the unit (不适用 ones leave the weighting); equal totals share
    a rank. A unit with no enterprise in its territory has nothing to supervise: it is neither
    measured nor ranked, only named apart (无监管对象，不参与排名), so its zeros neither top the
    table nor move the other units' scores."""
    indicators = [{"code": i["code"], "weight": str(i["weight"]), "label": INDICATORS[i["code"]].label,
                   "unit": INDICATORS[i["code"]].unit, "better": INDICATORS[i["code"]].better,
                   "definition": INDICATORS[i["code"]].definition}
                  for i in scheme.indicators if i["code"] in INDICATORS]
    units, unranked = [], []
    for unit in subjects(scheme, issuer):
        (units if supervises_anything(unit) else unranked).append(unit)
    values = {i["code"]: {u.pk: INDICATORS[i["code"]].measure(u, period, today) for u in units} for i in indicators}
    points = {i["code"]: scores(values[i["code"]], i["better"]) for i in indicators}
    rows = []
    for u in units:
        weighted, weights = Decimal(0), Decimal(0)
        for i in indicators:
            score = points[i["code"]][u.pk]
            if score is not None:
                weighted += Decimal(i["weight"]) * score
                weights += Decimal(i["weight"])
        total = (weighted / weights).quantize(Decimal("0.01")) if weights else Decimal(0)
        rows.append({"unit_id": u.pk, "unit": u.name, "total": str(total),
                     "values": {c: (None if values[c][u.pk] is None else str(values[c][u.pk])) for c in values},
                     "scores": {c: (None if points[c][u.pk] is None else str(points[c][u.pk])) for c in points}})
    rows.sort(key=lambda r: (-Decimal(r["total"]), r["unit"]))
    previous, rank = None, 0
    for position, row in enumerate(rows, 1):
        rank = rank if row["total"] == previous else position
        row["rank"], previous = rank, row["total"]
    return indicators, rows, [{"unit_id": u.pk, "unit": u.name} for u in unranked]


def _issuer(actor) -> Organisation:
    if actor is None:  # the tick ranks for the district's 安委办
        office = Organisation.objects.filter(kind=Organisation.Kind.COMMITTEE_OFFICE, is_active=True) \
            .order_by("region__path").first()
        if office is None:
            raise ValidationError("没有安委办单位，无法计算排名")
        return office
    return actor.unit


@transaction.atomic
def compute(actor, scheme_id: int, day: dt.date, *, today: dt.date | None = None) -> Ranking:
    """Compute (or recompute) the draft ranking of the period containing `day`."""
    require(actor, "oversight.configure", "只有区安委办可以计算排名")
    today = today or timezone.localdate()
    check_day(day)
    scheme = RankingScheme.objects.get(pk=scheme_id, is_active=True)
    period, label = period_of(scheme.period, day)
    if period.start > today:
        raise ValidationError({"period": "该期间尚未开始"})
    issuer = _issuer(actor)
    ranking = Ranking.objects.select_for_update().filter(scheme=scheme, unit=issuer, period_start=period.start).first()
    if ranking and ranking.status == Ranking.Status.PUBLISHED:
        raise ValidationError("该期间的排名已发布，不能重新计算")
    indicators, rows, unranked = measure(scheme, issuer, period, today)
    ranking = ranking or Ranking(scheme=scheme, unit=issuer, period_start=period.start)
    ranking.period_end, ranking.label, ranking.indicators, ranking.rows = period.end, label, indicators, rows
    ranking.unranked = unranked
    ranking.computed_at, ranking.computed_by = timezone.now(), actor
    ranking.save()
    audit.record(actor, AuditEvent.Action.UPDATE, ranking, summary=f"计算排名：{scheme.name} {label}")
    return ranking


@transaction.atomic
def publish(actor, ranking_id: int) -> Ranking:
    require(actor, "oversight.configure", "只有区安委办可以发布排名")
    if actor is not None and not Ranking.objects.visible_to(actor).filter(pk=ranking_id).exists():
        raise Ranking.DoesNotExist
    ranking = Ranking.objects.select_for_update().select_related("scheme").get(pk=ranking_id)
    if ranking.status == Ranking.Status.PUBLISHED:
        raise ValidationError("该排名已发布")
    ranking.status, ranking.published_at, ranking.published_by = Ranking.Status.PUBLISHED, timezone.now(), actor
    ranking.save(update_fields=["status", "published_at", "published_by"])
    audit.record(actor, AuditEvent.Action.STATE, ranking, summary=f"发布排名：{ranking}")
    # every ranked unit learns where it stands
    ranked_units = [row["unit_id"] for row in ranking.rows]
    notify(User.objects.filter(unit_id__in=ranked_units, is_active=True), f"{ranking.scheme.name}（{ranking.label}）已发布",
           url=reverse("ranking_detail", args=[ranking.pk]))
    return ranking


@transaction.atomic
def save_scheme(actor, scheme_id: int, weights: dict[str, str], *, is_active: bool = True) -> RankingScheme:
    """Set a scheme's indicators and weights: {indicator code: weight}; weight 0 drops it."""
    require(actor, "oversight.configure", "只有区安委办可以调整排名方案")
    scheme = RankingScheme.objects.select_for_update().get(pk=scheme_id)
    errors, chosen = {}, []
    for code, raw in weights.items():
        if code not in INDICATORS:
            errors[code] = "未知指标"
            continue
        try:
            weight = Decimal(str(raw or "0").strip())
        except ArithmeticError:
            errors[code] = "权重应为数字"
            continue
        if weight < 0 or weight > 100 or weight != weight.quantize(Decimal("0.1")):
            errors[code] = "权重应在 0～100 之间，最多一位小数"
        elif weight:
            chosen.append({"code": code, "weight": f"{weight.normalize():f}"})
    if not errors and not chosen:
        errors["__all__"] = "至少选择一项指标"
    if errors:
        raise ValidationError(errors)
    before = {"indicators": scheme.indicators, "is_active": scheme.is_active}
    scheme.indicators, scheme.is_active = chosen, is_active
    scheme.save(update_fields=["indicators", "is_active"])
    audit.record(actor, AuditEvent.Action.UPDATE, scheme, summary="调整排名方案指标和权重", before=before,
                 after={"indicators": chosen, "is_active": is_active})
    return scheme


def run(now: dt.datetime | None = None) -> int:
    """Tick: draft the last complete period's ranking of every active scheme, once."""
    today = timezone.localdate(now) if now else timezone.localdate()
    issuer = _issuer(None)
    made = 0
    for scheme in RankingScheme.objects.filter(is_active=True):
        period, _ = last_complete(scheme.period, today)
        if Ranking.objects.filter(scheme=scheme, unit=issuer, period_start=period.start).exists():
            continue
        compute(None, scheme.pk, period.start, today=today)
        made += 1
    return made
