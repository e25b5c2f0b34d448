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
from django.utils import timezone

from anying.core.models import Region

from .models import DATA, TIER_OF, Equipment, EquipmentStandard, GrassrootsPerson, Member, StandbyReport, Team


@dataclass(frozen=True)
class Target:
    code: str
    value: Decimal
    label: str
    source: str
    unit: str = ""
    from_year: int = 2000
    district_set: bool = False  # the district's own value (TargetValue), not the shipped default


@cache
def default_targets() -> tuple[Target, ...]:
    """Every default row of data/targets.csv (a code may have several, by year)."""
    with open(DATA / "targets.csv", encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return tuple(Target(r["code"], Decimal(r["value"]), r["label"], r["source"], r["unit"], int(r["from_year"]))
                     for r in rows)


def target_codes() -> dict[str, str]:
    """{code: label} of the figures a district may set."""
    return {t.code: t.label for t in default_targets()}


def targets(district: Region | None = None, year: int | None = None) -> dict[str, Target]:
    """The figures in force for `district` in `year`: the district's own (TargetValue) where it set
    one, else the default — each the newest row not later than the year."""
    from .models import TargetValue

    year = year or timezone.localdate().year
    out: dict[str, Target] = {}
    for t in default_targets():
        if t.from_year <= year and (t.code not in out or t.from_year >= out[t.code].from_year):
            out[t.code] = t
    if district is not None:
        labels_ = target_codes()
        for v in TargetValue.objects.filter(region=district, from_year__lte=year).order_by("code", "from_year"):
            if v.code in out:  # later rows override earlier ones (ordered by year)
                out[v.code] = Target(v.code, v.value, labels_[v.code], v.source, out[v.code].unit, v.from_year, True)
    return out


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
    targets: dict[str, Target]
    village_target: Target
    town_rows: list[TownRow]
    grassroots: dict[str, int]  # role → active people of the user's territory


@dataclass
class TownRow:
    """One town of the grassroots coverage (A6.7, A6.8): its town team(s) with the recorded funding
    against the standard of seed 003, its villages with and without a station, and its registers."""
    town: Region
    teams: list[Team]
    funding_standard: Decimal | None  # of its town team's category; None: no town team
    villages: int
    stations: int
    rate: Decimal | None
    missing_villages: list[str]
    grassroots: dict[str, int]

    @property
    def has_team(self) -> bool:
        return bool(self.teams)

    @property
    def needs_team(self) -> bool:
        """A town (镇街) needs its team; a park (园区/高新区) is not a town and is not counted."""
        return not self.town.is_park

    @property
    def funding(self) -> Decimal | None:
        known = [t.annual_funding for t in self.teams if t.annual_funding is not None]
        return sum(known, Decimal(0)) if known else None

    @property
    def funding_short(self) -> bool | None:
        """Recorded funding below the standard; None when either is unknown."""
        if self.funding is None or self.funding_standard is None:
            return None
        return self.funding < self.funding_standard


def overview(user, district: Region | None = None) -> Overview:
    district = _district(user, district)
    teams = list(Team.objects.visible_to(user).structure().select_related("region", "owner"))
    counts = {c: 0 for c in Team.Category.values}
    for t in teams:
        counts[t.category] += 1
    year = timezone.localdate().year
    tg = targets(district, year)
    structure = [
        {"label": "专业队伍", "target": int(tg["professional_teams"].value),
         "actual": counts[Team.Category.FIRE] + counts[Team.Category.DISTRICT], "source": tg["professional_teams"].source},
        {"label": "中心镇（街）专职队", "target": int(tg["central_town_teams"].value), "actual": counts[Team.Category.CENTRAL_TOWN],
         "source": tg["central_town_teams"].source},
        {"label": "镇（街）兼职队", "target": int(tg["town_teams"].value), "actual": counts[Team.Category.TOWN],
         "source": tg["town_teams"].source},
        {"label": "社会应急救援力量（N）", "target": None, "actual": counts[Team.Category.SOCIAL], "source": ""},
    ]
    per_team = rates(teams)
    # the 配备率 of seed 000 is about the professional and town teams (专业应急救援队伍)
    rated = [t for t in teams if t.category in TIER_OF or t.category == Team.Category.FIRE]
    staffed = [per_team[t.pk].staffed for t in rated if per_team[t.pk].staffed is not None]
    equipped = [per_team[t.pk].equipped for t in rated if per_team[t.pk].equipped is not None]
    rows_by_town = town_rows(user, district, teams, tg)
    covered = sum(r.stations for r in rows_by_town)
    villages = sum(r.villages for r in rows_by_town)
    with_team = sum(1 for r in rows_by_town if r.has_team and r.needs_team)
    grassroots = {role: sum(r.grassroots.get(role, 0) for r in rows_by_town) for role in GrassrootsPerson.Role.values}
    return Overview(
        counts=counts, structure=structure,
        staffed=(sum(staffed), len(staffed)), equipped=(sum(equipped), len(equipped)),
        staffing_rate=percent(sum(staffed), len(staffed)), equipment_rate=percent(sum(equipped), len(equipped)),
        villages=(covered, villages), village_rate=percent(covered, villages),
        towns=(with_team, sum(1 for r in rows_by_town if r.needs_team)),
        missing_towns=[r.town.name for r in rows_by_town if r.needs_team and not r.has_team],
        rows=[(t, per_team[t.pk]) for t in teams], targets=tg, village_target=tg["village_station_rate"],
        town_rows=rows_by_town, grassroots=grassroots)


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


FUNDING_CODE = {Team.Category.CENTRAL_TOWN: "funding_central_town", Team.Category.TOWN: "funding_town"}


def town_rows(user, district, teams, tg) -> list[TownRow]:
    """Each town of the user's territory in the district (a town: its own), in four queries: the
    towns, their villages, the active people of the grassroots registers, and nothing more — the
    teams come in from the overview."""
    from anying.core.scope import ENTERPRISE, region_subtree_q, viewer

    if district is None or viewer(user) == ENTERPRISE:  # an enterprise sees its own team, not the towns
        return []
    towns = list(Region.objects.filter(level=Region.Level.TOWN, parent=district)
                 .filter(region_subtree_q(user, "") if user is not None else Q()).order_by("sort", "path"))
    by_path = {t.path: t for t in towns}

    def town_of(path: str):
        parts = path.strip("/").split("/")
        for n in range(len(parts), 0, -1):
            found = by_path.get("/" + "/".join(parts[:n]) + "/")
            if found is not None:
                return found
        return None

    villages: dict[int, list[Region]] = {}
    for v in Region.objects.filter(level=Region.Level.VILLAGE, path__startswith=district.path).order_by("sort", "path"):
        town = town_of(v.path)
        if town is not None:
            villages.setdefault(town.pk, []).append(v)
    stations = {t.region_id for t in teams if t.category == Team.Category.VILLAGE}
    town_teams: dict[int, list[Team]] = {}
    for t in teams:
        if t.category in FUNDING_CODE:
            town_teams.setdefault(t.region_id, []).append(t)
    people: dict[int, dict[str, int]] = {}
    for path, role, n in GrassrootsPerson.objects.visible_to(user).filter(is_active=True) \
            .values_list("region__path", "role").annotate(n=Count("id")).order_by():
        town = town_of(path)
        if town is not None:
            mine = people.setdefault(town.pk, {})
            mine[role] = mine.get(role, 0) + n
    out = []
    for town in towns:
        mine = villages.get(town.pk, [])
        built = [v for v in mine if v.pk in stations]
        teams_here = town_teams.get(town.pk, [])
        codes = [FUNDING_CODE[t.category] for t in teams_here]
        # a central town's standard where it has a full-time team, else the part-time one's
        code = "funding_central_town" if "funding_central_town" in codes else (codes[0] if codes else None)
        out.append(TownRow(
            town=town, teams=teams_here, funding_standard=tg[code].value if code else None,
            villages=len(mine), stations=len(built), rate=percent(len(built), len(mine)),
            missing_villages=[v.name for v in mine if v.pk not in stations], grassroots=people.get(town.pk, {})))
    return out


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
