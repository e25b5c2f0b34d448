"""The rules of plans as computations over the data rows (reference.py): the filing deadline in
working days, the revision and evaluation cycles, the revision rate and the coverage check.
Nothing here writes; services.py keeps the computed dates on the plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from anying.core import periods
from anying.core.models import Organisation, Region

from . import reference
from .models import CoverageRule, EmergencyPlan

DAY = dt.timedelta(days=1)
P = EmergencyPlan


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (印发后的20个工作日内: day 1 is the first working day after
    the issue date). Working days follow the national calendar of 放假调休 (core/data/cn_holidays.csv,
    core.periods): a public holiday does not count, a 调休 Saturday does; a year the calendar does
    not list yet counts Monday to Friday."""
    day, counted = start, 0
    while counted < n:
        day += DAY
        if periods.is_workday(day, periods.WEEKDAYS_ONLY):
            counted += 1
    return day


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def is_high_risk(enterprise) -> bool:
    """条例708号第八条第二款's units as far as the registry can tell: the industries of
    data/high_risk_industries.csv (and their sub-industries), or a 重大危险源 tag."""
    codes = reference.high_risk_industry_codes()
    industry = enterprise.industry
    seen = {industry.code}
    if industry.parent_id:
        seen.add(industry.parent.code)
    if seen & codes:
        return True
    return any(t.code == "mhi" for t in enterprise.tags.all())


def evaluation_requirement(plan: EmergencyPlan):
    """The evaluation cycle that applies: 应急管理部令第2号第三十五条 (3 years) for the enterprises it
    lists — the high-risk industries (the registry does not know 中型规模以上, so other medium
    enterprises are not caught) —, none for other enterprises (only a 定期评估制度, no period), and
    the district's configurable default for government plans (not verified against a text)."""
    if plan.enterprise_id:
        return reference.requirement("AQ2_A35_EVAL") if is_high_risk(plan.enterprise) else None
    return reference.requirement("DEFAULT_GOV_EVAL")


def revision_years(plan: EmergencyPlan) -> int:
    return plan.revision_cycle_years or reference.requirement("DEFAULT_REVISION_CYCLE").value


def filing_due(issued_on: dt.date | None) -> dt.date | None:
    if issued_on is None:
        return None
    return add_working_days(issued_on, reference.requirement("GB2024_A26_FILING").value)


def dates(plan: EmergencyPlan) -> dict:
    """The deadlines a plan's dates give: filing (20 working days after 印发), revision (one cycle
    after 印发) and evaluation (one cycle after the last evaluation, else after 印发)."""
    out = {"filing_due": filing_due(plan.issued_on), "revision_due": None, "evaluation_due": None}
    if plan.issued_on is not None:
        out["revision_due"] = add_years(plan.issued_on, revision_years(plan))
        cycle = evaluation_requirement(plan)
        if cycle is not None:
            out["evaluation_due"] = add_years(plan.last_evaluated_on or plan.issued_on, cycle.value)
    return out


# --- the revision rate (A4.3) -----------------------------------------------------------------

@dataclass
class Rate:
    revised: int
    total: int
    target: int  # percent, the seed's 98
    overdue: list = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        return round(100 * self.revised / self.total, 1) if self.total else None

    @property
    def met(self) -> bool:
        return self.total > 0 and self.revised * 100 >= self.target * self.total


def in_system_q(today: dt.date) -> Q:
    """纳入区级预案体系的应急预案: the government plans (区级总体 … 村) issued and not repealed."""
    return (Q(level__in=P.GOVERNMENT_LEVELS, issued_on__isnull=False, issued_on__lte=today)
            & (Q(effective_to__isnull=True) | Q(effective_to__gte=today)))


def revision_rate(plans, today: dt.date | None = None) -> Rate:
    """Plans revised within their cycle ÷ plans in the district system. A plan counts as revised
    within its cycle while its revision deadline (印发 + cycle) has not passed: its current edition
    is younger than the cycle. The plans given are already scoped to the reader."""
    today = today or timezone.localdate()
    system = plans.filter(in_system_q(today))
    total = system.count()
    overdue = list(system.filter(revision_due__lt=today).select_related("owner").order_by("revision_due")[:200])
    late = system.filter(revision_due__lt=today).count()
    return Rate(revised=total - late, total=total, target=reference.requirement("SEED000_REVISION_RATE").value,
                overdue=overdue)


# --- coverage (A4.5) -----------------------------------------------------------------------------

@dataclass
class TownCoverage:
    town: Region
    unit: Organisation | None
    found: dict  # rule code -> the best plan found (or None)

    @property
    def missing(self) -> list:
        return [code for code, plan in self.found.items() if plan is None]


STATUS_RANK = {P.Status.FILED: 0, P.Status.ISSUED: 1, P.Status.APPROVED: 2, P.Status.SUBMITTED: 3,
               P.Status.RETURNED: 4, P.Status.DRAFT: 5}


def coverage(plans, towns, today: dt.date | None = None) -> tuple[list[CoverageRule], list[TownCoverage]]:
    """For every town: does it have, for each coverage rule, a plan of the rule's hazard type owned
    by its town office (or placed in the town), not repealed? The best one counts (filed before
    issued before draft); a draft only still shows as a gap in the count of 已印发. Two queries."""
    today = today or timezone.localdate()
    rules = list(CoverageRule.objects.filter(active=True).select_related("hazard_type"))
    towns = list(towns)
    offices = {o.region_id: o for o in Organisation.objects.filter(
        kind=Organisation.Kind.TOWN_OFFICE, region__in=towns, is_active=True).order_by("pk")}
    found: dict[tuple[int, int], EmergencyPlan] = {}
    candidates = plans.filter(enterprise__isnull=True, region__in=towns,
                              hazard_type_id__in=[r.hazard_type_id for r in rules]).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=today))
    for plan in candidates.only("id", "name", "status", "region_id", "hazard_type_id", "issued_on", "filing_number"):
        key = (plan.region_id, plan.hazard_type_id)
        best = found.get(key)
        if best is None or STATUS_RANK[plan.status] < STATUS_RANK[best.status]:
            found[key] = plan
    result = [TownCoverage(t, offices.get(t.pk), {r.code: found.get((t.pk, r.hazard_type_id)) for r in rules})
              for t in towns]
    return rules, result


def high_risk_q(prefix: str = "") -> Q:
    """`is_high_risk` as a filter on enterprises (`prefix` = the path to the enterprise, e.g. "enterprise__")."""
    codes = sorted(reference.high_risk_industry_codes())
    return (Q(**{f"{prefix}industry__code__in": codes}) | Q(**{f"{prefix}industry__parent__code__in": codes})
            | Q(**{f"{prefix}tags__code": "mhi"}))
