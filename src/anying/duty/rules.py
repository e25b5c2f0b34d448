"""What a shift needs (staffing rules raised by key periods) and where a roster falls short.

Requirements are computed, never stored: a change of rule or a new key period shows at once on
every roster. A gap is a post with fewer people than required, or a shift under 党政领导"双值班"
whose leaders are not one of the Party and one of the government."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from anying.core.models import Organisation

from .models import Assignment, DutyPost, KeyPeriod, Shift, StaffingRule


@dataclass
class Need:
    minimum: dict[int, int]  # post id -> people per shift
    dual: bool = False
    periods: list[KeyPeriod] = field(default_factory=list)


@dataclass
class Gap:
    shift: Shift
    post: DutyPost
    need: int
    have: int
    reason: str

    @property
    def text(self) -> str:
        return f"{self.shift.date:%m-%d} {self.post.name}：{self.reason}"


class Requirements:
    """Loads the rules and key periods once, then answers per unit and date."""

    def __init__(self, units, first: dt.date, last: dt.date):
        self.posts = {p.pk: p for p in DutyPost.objects.filter(is_active=True)}
        self.by_kind: dict[str, dict[int, int]] = defaultdict(dict)
        self.by_unit: dict[int, dict[int, int]] = defaultdict(dict)
        for rule in StaffingRule.objects.filter(post__is_active=True):
            if rule.unit_id:
                self.by_unit[rule.unit_id][rule.post_id] = rule.minimum
            else:
                self.by_kind[rule.kind][rule.post_id] = rule.minimum
        self.periods = list(KeyPeriod.objects.filter(starts_on__lte=last, ends_on__gte=first).select_related("region"))
        self.codes = {p.code: p.pk for p in self.posts.values()}

    def need(self, unit: Organisation, date: dt.date) -> Need:
        minimum = {**self.by_kind.get(unit.kind, {}), **self.by_unit.get(unit.pk, {})}
        need = Need(minimum)
        path = unit.region.path
        for period in self.periods:
            if period.starts_on <= date <= period.ends_on and path.startswith(period.region.path):
                need.periods.append(period)
                need.dual = need.dual or period.dual_leadership
                for code, count in (period.raises or {}).items():
                    pk = self.codes.get(code)
                    if pk is not None:
                        minimum[pk] = max(minimum.get(pk, 0), int(count))
        if need.dual:
            for pk, post in self.posts.items():
                if post.is_leader:
                    minimum[pk] = max(minimum.get(pk, 0), 2)
        return need


def gaps_of(shift: Shift, assignments: list[Assignment], need: Need, posts: dict[int, DutyPost]) -> list[Gap]:
    have: dict[int, int] = defaultdict(int)
    for a in assignments:
        have[a.post_id] += 1
    out = []
    for pk, minimum in sorted(need.minimum.items(), key=lambda kv: posts[kv[0]].order if kv[0] in posts else 0):
        if pk in posts and have[pk] < minimum:
            reason = f"需 {minimum} 人，已排 {have[pk]} 人"
            if need.periods:
                reason += f"（{'、'.join(p.name for p in need.periods)}）"
            out.append(Gap(shift, posts[pk], minimum, have[pk], reason))
    if need.dual:
        sides = {a.side for a in assignments if posts.get(a.post_id) and posts[a.post_id].is_leader}
        if not {Assignment.Side.PARTY, Assignment.Side.GOVERNMENT} <= sides:
            leader = next((p for p in posts.values() if p.is_leader), None)
            if leader is not None:
                out.append(Gap(shift, leader, 2, len(sides), "党政领导“双值班”：须党委、政府领导各一名带班"))
    return out


def gaps(shifts) -> list[Gap]:
    """Every gap of these shifts (with unit and region loaded), in date order."""
    shifts = list(shifts)
    if not shifts:
        return []
    first, last = min(s.date for s in shifts), max(s.date for s in shifts)
    req = Requirements({s.unit_id for s in shifts}, first, last)
    by_shift: dict[int, list[Assignment]] = defaultdict(list)
    for a in Assignment.objects.filter(shift__in=[s.pk for s in shifts]):
        by_shift[a.shift_id].append(a)
    out = []
    for s in sorted(shifts, key=lambda s: (s.starts_at, s.unit_id)):
        out.extend(gaps_of(s, by_shift[s.pk], req.need(s.unit, s.date), req.posts))
    return out
