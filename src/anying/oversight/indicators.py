"""The indicators towns and departments are ranked (晾晒) and assessed (考核) by.

Each indicator is measured for one government unit over its own territory — `unit_scope_q`:
a town office's town, a department's industries in the whole district — for a period. Which
indicators count, with what weight, is data (RankingScheme, loaded from data/ranking_schemes.csv
and edited by the 区安委办); how each is measured is here, one function each, with its
definition shown to users (`Indicator.definition`).

Hazard figures come from the rollups, so a ranking of 35 units costs a few hundred small
queries whatever the size of the hazard register. Figures that describe a state rather than a
period (open overdue hazards, standardization) are taken when the ranking is computed; a
published ranking is a snapshot and never recomputed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from anying.core import periods
from anying.core.models import Organisation
from anying.core.scope import unit_scope_q
from anying.hazards.models import Hazard, HazardDueTally, HazardMonthTally, HazardTally
from anying.inspections.models import Inspection, InspectionPlan, Penalty, PlanItem
from anying.registry.models import Enterprise
from anying.tips.models import Tip

from . import keytasks
from .models import Accident

HIGH, LOW = "high", "low"  # which way is better
TWO = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def months(self) -> list[dt.date]:
        first, out = periods.start("monthly", self.start), []
        while first <= self.end:
            out.append(first)
            first = periods.end("monthly", first) + dt.timedelta(days=1)
        return out


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str  # 件, %, 元 …
    better: str
    definition: str
    measure: Callable[[Organisation, Period, dt.date], Decimal | None]


def _pct(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * Decimal(part) / Decimal(whole)).quantize(TWO, ROUND_HALF_UP)


def _territory(model, unit: Organisation):
    # A ranking measures a dozen indicators per unit: its territory (a region path and an
    # industry query) is worked out once and kept on the unit object for the computation.
    if not hasattr(unit, "_territory_q"):
        unit._territory_q = unit_scope_q(unit, region_subquery=True)
    return model.objects.filter(unit._territory_q)


def closure_rate(unit, period, today):
    row = _territory(HazardTally, unit).aggregate(
        closed=Sum("n", filter=Q(status=Hazard.Status.CLOSED)), total=Sum("n"))
    return _pct(row["closed"] or 0, row["total"] or 0)


def overdue_major(unit, period, today):
    n = _territory(HazardDueTally, unit).filter(level=Hazard.Level.MAJOR, deadline__lt=today).aggregate(s=Sum("n"))["s"]
    return Decimal(n or 0)


def overdue_all(unit, period, today):
    return Decimal(_territory(HazardDueTally, unit).filter(deadline__lt=today).aggregate(s=Sum("n"))["s"] or 0)


def hazards_found(unit, period, today):
    n = _territory(HazardMonthTally, unit).filter(kind="found", month__gte=period.start.replace(day=1),
                                                  month__lte=period.end).aggregate(s=Sum("n"))["s"]
    return Decimal(n or 0)


def inspections(unit, period, today):
    return Decimal(Inspection.objects.filter(unit=unit, inspected_on__range=(period.start, period.end)).count())


def findings_per_inspection(unit, period, today):
    row = Inspection.objects.filter(unit=unit, inspected_on__range=(period.start, period.end)) \
        .aggregate(n=Count("id"), f=Sum("findings"))
    return (Decimal(row["f"] or 0) / row["n"]).quantize(TWO, ROUND_HALF_UP) if row["n"] else None


def fines(unit, period, today):
    s = Penalty.objects.filter(unit=unit, decided_on__range=(period.start, period.end)).aggregate(s=Sum("amount"))["s"]
    return Decimal(s or 0).quantize(TWO)


def plan_completion(unit, period, today):
    """Items of the unit's approved plan due by the period's end month, inspected by the unit
    that year by the period's end."""
    plan = InspectionPlan.objects.filter(unit=unit, year=period.end.year,
                                         status=InspectionPlan.Status.APPROVED).first()
    if plan is None:
        return None
    due = PlanItem.objects.filter(plan=plan, month__lte=period.end.month)
    done = Inspection.objects.filter(unit=unit, inspected_on__gte=dt.date(period.end.year, 1, 1),
                                     inspected_on__lte=period.end).values("enterprise_id")
    return _pct(due.filter(enterprise_id__in=done).count(), due.count())


def tip_reply_rate(unit, period, today):
    """Tips assigned to the unit and received in the period, replied by their reply deadline."""
    tips = Tip.objects.filter(unit=unit, received_at__date__range=(period.start, period.end))
    row = tips.aggregate(n=Count("id"), on_time=Count("id", filter=Q(replied_at__isnull=False,
                                                                    replied_at__date__lte=F("reply_due"))))
    return _pct(row["on_time"], row["n"])


def accidents(unit, period, today):
    return Decimal(_accidents(unit, period).count())


def deaths(unit, period, today):
    return Decimal(_accidents(unit, period).aggregate(s=Sum("deaths"))["s"] or 0)


def _accidents(unit, period):
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return _territory(Accident, unit).filter(occurred_at__gte=start, occurred_at__lt=end)


def standardization_rate(unit, period, today):
    row = _territory(Enterprise, unit).filter(status=Enterprise.Status.OPERATING).aggregate(
        n=Count("id"), certified=Count("id", filter=Q(std_status=Enterprise.StdStatus.CERTIFIED)))
    return _pct(row["certified"], row["n"])


def keytask_overdue(unit, period, today):
    return Decimal(keytasks.KeyTask.objects.filter(unit=unit).filter(keytasks.overdue_q(today)).count())


INDICATORS: dict[str, Indicator] = {i.code: i for i in [
    Indicator("overdue_major", "逾期重大隐患", "项", LOW, "计算时辖区内已过整改期限仍未整改完成（已登记、整改中）的重大事故隐患数",
              overdue_major),
    Indicator("overdue", "逾期隐患", "项", LOW, "计算时辖区内已过整改期限仍未整改完成的全部隐患数", overdue_all),
    Indicator("closure_rate", "隐患销号率", "%", HIGH, "辖区内累计已销号隐患 ÷ 累计登记隐患", closure_rate),
    Indicator("hazards_found", "排查发现隐患", "项", HIGH, "期内辖区新登记的隐患数（各渠道）", hazards_found),
    Indicator("plan_completion", "执法计划完成率", "%", HIGH,
              "本单位已批准年度执法计划中截至期末月份应检查的企业，期末前已检查的比例；无已批准计划为“不适用”", plan_completion),
    Indicator("inspections", "执法检查次数", "次", HIGH, "期内本单位的执法检查次数（执法检查强度）", inspections),
    Indicator("findings_per_inspection", "每次检查发现问题", "项", HIGH, "期内本单位检查发现问题数 ÷ 检查次数（问题查找强度）",
              findings_per_inspection),
    Indicator("fines", "罚款金额", "元", HIGH, "期内本单位作出处罚决定的罚款金额（经济处罚强度）", fines),
    Indicator("tip_reply_rate", "举报按期答复率", "%", HIGH, "期内交办本单位的举报中，在答复期限内答复的比例", tip_reply_rate),
    Indicator("accidents", "生产安全事故", "起", LOW, "期内辖区发生的生产安全事故起数", accidents),
    Indicator("deaths", "事故死亡人数", "人", LOW, "期内辖区生产安全事故死亡人数", deaths),
    Indicator("standardization_rate", "标准化达标率", "%", HIGH, "计算时辖区在业企业中安全生产标准化达标的比例",
              standardization_rate),
    Indicator("keytask_overdue", "重点任务逾期", "项", LOW, "计算时本单位负责的重点任务（挂图作战）中逾期未完成的项数",
              keytask_overdue),
]}


def supervises_anything(unit: Organisation) -> bool:
    """Whether the unit's territory holds an enterprise that is not closed. A town without
    enterprises has nothing to inspect and no hazards to close: every "lower is better" figure
    is a flattering zero, so it is listed apart (无监管对象) rather than ranked."""
    return _territory(Enterprise, unit).exclude(status=Enterprise.Status.CLOSED).exists()


def scores(values: dict[int, Decimal | None], better: str) -> dict[int, Decimal | None]:
    """0–100 per unit: the best value of the field scores 100, the worst 0, linear between;
    all equal → 100 each; a unit without a value (不适用) gets None. On a "higher is better"
    indicator a zero (no inspection, no fine, nothing closed) scores 0 whatever the others did:
    no activity earns no points, even when nobody was active."""
    present = [v for v in values.values() if v is not None]
    if not present:
        return dict.fromkeys(values)
    best, worst = (max(present), min(present)) if better == HIGH else (min(present), max(present))
    out = {}
    for unit_id, value in values.items():
        if value is None:
            out[unit_id] = None
        elif better == HIGH and value == 0:
            out[unit_id] = Decimal("0.00")
        elif best == worst:
            out[unit_id] = Decimal("100.00")
        else:
            score = (Decimal(100) * (value - worst) / (best - worst)).quantize(TWO, ROUND_HALF_UP)
            out[unit_id] = score if score else Decimal("0.00")  # not "-0.00" when best < worst
    return out
