"""The figures of team building: the count against "2+7+14+N", staffing and equipment rates per
team and for the district, village rescue-station coverage, standby person-times and missing
reports. The targets are data (data/targets.csv, each cited); every figure here is computed from
the teams the user may see (`Team.objects.visible_to`), in a constant number of queries."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from django.db.models import Count, Exists, OuterRef, Q, Sum

from anying.core.models import Region

from .models import DATA, TIER_OF, Equipment, EquipmentStandard, Member, StandbyReport, Team


@dataclass(frozen=True)
class Target:
    code: str
    value: int
    label: str
    source: str


@cache
def targets() -> dict[str, Target]:
    with open(DATA / "targets.csv", encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return {r["code"]: Target(r["code"], int(r["value"]), r["label"], r["source"]) for r in rows}


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


# --- per team ---------------------------------------------------------------------------------

@dataclass
class TeamRates:
    members: int
    staffing: Decimal | None  # active members / authorised strength, %
    staffed: bool | None  # None: no authorised strength to compare with
    items_met: int
    items_required: int
    equipment: Decimal | None  # catalogue lines met / lines required, %
    equipped: bool | None  # None: no catalogue for the team's tier


def catalogue() -> dict[str, dict[int, int]]:
    """{tier: {standard id: quantity required}} of the required lines."""
    out: dict[str, dict[int, int]] = {}
    for pk, tier, quantity in EquipmentStandard.objects.filter(required=True).values_list("pk", "tier", "quantity"):
        out.setdefault(tier, {})[pk] = quantity
    return out


def rates(teams: list[Team], cat: dict | None = None) -> dict[int, TeamRates]:
    """Each team's rates, in three queries whatever the number of teams."""
    cat = catalogue() if cat is None else cat
    ids = [t.pk for t in teams]
    members = dict(Member.objects.filter(team_id__in=ids, is_active=True).values("team_id")
                   .annotate(n=Count("id")).values_list("team_id", "n"))
    held: dict[int, dict[int, int]] = {}
    for team_id, standard_id, quantity in Equipment.objects.filter(team_id__in=ids, standard__isnull=False) \
            .values_list("team_id", "standard_id", "quantity"):
        held.setdefault(team_id, {})[standard_id] = quantity
    out = {}
    for t in teams:
        n = members.get(t.pk, 0)
        staffing = percent(n, t.authorised_strength)
        required = cat.get(TIER_OF.get(t.category), {})
        mine = held.get(t.pk, {})
        met = sum(1 for pk, qty in required.items() if mine.get(pk, 0) >= qty)
        out[t.pk] = TeamRates(
            members=n, staffing=staffing, staffed=None if staffing is None else n >= t.authorised_strength,
            items_met=met, items_required=len(required), equipment=percent(met, len(required)),
            equipped=None if not required else met == len(required))
    return out


# --- the district -----------------------------------------------------------------------------

@dataclass
class Overview:
    counts: dict[str, int]  # category → teams (structure: active, not branches)
    structure: list[dict]  # the 2 / 7 / 14 / N rows with target and actual
    staffed: tuple[int, int]  # teams up to strength, teams with a strength
    equipped: tuple[int, int]  # teams fully equipped, teams with a catalogue
    staffing_rate: Decimal | None
    equipment_rate: Decimal | None
    villages: tuple[int, int]  # villages with a station, villages
    village_rate: Decimal | None
    towns: tuple[int, int]  # towns with a town team (full-time or part-time), towns
    missing_towns: list[str]
    rows: list[tuple[Team, TeamRates]]


def overview(user, district: Region | None = None) -> Overview:
    district = _district(user, district)
    teams = list(Team.objects.visible_to(user).structure().select_related("region", "owner"))
    counts = {c: 0 for c in Team.Category.values}
    for t in teams:
        counts[t.category] += 1
    tg = targets()
    structure = [
        {"label": "专业队伍", "target": tg["professional_teams"].value,
         "actual": counts[Team.Category.FIRE] + counts[Team.Category.DISTRICT], "source": tg["professional_teams"].source},
        {"label": "中心镇（街）专职队", "target": tg["central_town_teams"].value, "actual": counts[Team.Category.CENTRAL_TOWN],
         "source": tg["central_town_teams"].source},
        {"label": "镇（街）兼职队", "target": tg["town_teams"].value, "actual": counts[Team.Category.TOWN],
         "source": tg["town_teams"].source},
        {"label": "社会应急救援力量（N）", "target": None, "actual": counts[Team.Category.SOCIAL], "source": ""},
    ]
    per_team = rates(teams)
    # the 配备率 of seed 000 is about the professional and town teams (专业应急救援队伍)
    rated = [t for t in teams if t.category in TIER_OF or t.category == Team.Category.FIRE]
    staffed = [per_team[t.pk].staffed for t in rated if per_team[t.pk].staffed is not None]
    equipped = [per_team[t.pk].equipped for t in rated if per_team[t.pk].equipped is not None]
    covered, villages = village_coverage(user, district, teams)
    with_team, towns, missing = town_coverage(district, teams)
    return Overview(
        counts=counts, structure=structure,
        staffed=(sum(staffed), len(staffed)), equipped=(sum(equipped), len(equipped)),
        staffing_rate=percent(sum(staffed), len(staffed)), equipment_rate=percent(sum(equipped), len(equipped)),
        villages=(covered, villages), village_rate=percent(covered, villages),
        towns=(with_team, towns), missing_towns=missing,
        rows=[(t, per_team[t.pk]) for t in teams])


def _district(user, district):
    if district is not None:
        return district
    if getattr(user, "unit", None) is None:
        from anying.core.models import Region as R

        return R.objects.filter(level=R.Level.DISTRICT).first()  # the system: the deployment's district
    region = user.unit.region
    while region is not None and region.level not in (Region.Level.DISTRICT,):
        region = region.parent
    return region


def village_coverage(user, district, teams) -> tuple[int, int]:
    """(villages with an active station, villages) of the user's territory (a town's own)."""
    root = user.unit.region if getattr(user, "unit", None) is not None else district
    if root is None:
        return 0, 0
    villages = Region.objects.filter(level=Region.Level.VILLAGE, path__startswith=root.path)
    stations = {t.region_id for t in teams if t.category == Team.Category.VILLAGE}
    ids = list(villages.values_list("pk", flat=True))
    return len(set(ids) & stations), len(ids)


def town_coverage(district, teams) -> tuple[int, int, list[str]]:
    """Towns with a town team (seed 002: 建立镇级应急救援队伍1支) among the district's towns."""
    if district is None:
        return 0, 0, []
    towns = list(Region.objects.filter(level=Region.Level.TOWN, parent=district).order_by("sort", "path"))
    covered = {t.region_id for t in teams if t.category in (Team.Category.CENTRAL_TOWN, Team.Category.TOWN)}
    missing = [t.name for t in towns if t.pk not in covered]
    return len(towns) - len(missing), len(towns), missing


# --- standby ----------------------------------------------------------------------------------

def missing_standby(user, day: dt.date):
    """The visible teams that owe a daily report and have none for `day`."""
    reported = StandbyReport.objects.filter(team=OuterRef("pk"), day=day)
    return Team.objects.visible_to(user).filter(is_active=True, category__in=Team.DAILY_STANDBY) \
        .filter(~Exists(reported)).select_related("region")


def person_times(user, start: dt.date, end: dt.date) -> dict:
    """Standby person-times (备勤人次) and vehicle-times between two days, inclusive."""
    qs = StandbyReport.objects.filter(team__in=Team.objects.visible_to(user), day__gte=start, day__lte=end)
    totals = qs.aggregate(people=Sum("people"), vehicles=Sum("vehicles"), reports=Count("id"))
    return {k: v or 0 for k, v in totals.items()}


def expiring_certificates_q(today: dt.date, days: int = 60) -> Q:
    return Q(expires_on__isnull=False, expires_on__lte=today + dt.timedelta(days=days))
