"""Who acts next on a hazard, for a page that offers the viewer no step (UI.md: a page without an
action says who acts next).

Derived from the workflow table, not written per state: for each step that moves the hazard on
from its state, the units of the people the engine would let take it (`LIFECYCLE.available`,
so scope, parties, the 督办 rules and separation of duties all count) — the enterprise, the
town office and departments that supervise it, the unit that put it under 督办 and those above.
"""

from __future__ import annotations

from anying.core import recipients
from anying.core.models import Organisation, User

from .authority import COORDINATING, supervision_of
from .models import Hazard
from .workflow import LIFECYCLE

MAX_UNITS = 3  # more than this reads as a list nobody finishes: "…等"
WORDS = {"start": "开始整改", "submit": "整改后提交复查", "send_back": "复核", "close": "复核"}  # the step as a wait


def _candidates(hazard: Hazard) -> list[User]:
    """The users who could act on the hazard at all: its enterprise, the units that supervise its
    place and industry, the coordinating offices above it and the unit that put it under 督办."""
    units = {hazard.organisation_id}
    units |= {u.pk for u in recipients.supervising_units(hazard.region_id, hazard.industry_id)}
    units |= set(Organisation.objects.filter(kind__in=COORDINATING, is_active=True,
                                             region_id__in=recipients.ancestors(hazard.region_id))
                 .values_list("pk", flat=True))
    supervision = supervision_of(hazard)
    if supervision is not None:
        units.add(supervision.unit_id)
    return list(User.objects.filter(unit_id__in=units, is_active=True, unit__is_active=True)
                .select_related("unit__region").order_by("unit__kind", "unit__name", "pk"))


def _order(unit: Organisation, hazard: Hazard) -> tuple:
    """The enterprise first, then the supervising unit of a 督办, the town office, the rest."""
    supervision = supervision_of(hazard)
    return (unit.pk != hazard.organisation_id, supervision is None or unit.pk != supervision.unit_id,
            unit.kind != Organisation.Kind.TOWN_OFFICE, unit.name)


def waiting_for(hazard: Hazard) -> str:
    """'等待 虎峰镇应急办、区经信委 复核' — or '' for a closed hazard."""
    moving = [t for t in LIFECYCLE.transitions if hazard.status in t.sources and t.target is not None]
    if not moving:
        return ""
    steps = {u: {a.name for a in LIFECYCLE.available(u, hazard)} for u in _candidates(hazard)}
    phrases: dict[str, list[Organisation]] = {}
    for t in moving:
        found = phrases.setdefault(WORDS.get(t.name, t.label), [])
        found += [u.unit for u, names in steps.items() if t.name in names and u.unit not in found]
    lines = []
    for word, units in phrases.items():
        if not units:
            continue
        if any(u.pk == hazard.organisation_id for u in units):
            # the enterprise rectifies (and reviews its own 自查自改): inspectors may step in, but it is its turn
            units = [u for u in units if u.pk == hazard.organisation_id]
        units = sorted(units, key=lambda u: _order(u, hazard))
        names = "、".join(u.name for u in units[:MAX_UNITS]) + ("等" if len(units) > MAX_UNITS else "")
        lines.append(f"等待 {names} {word}")
    return "；".join(lines) or "暂无可以办理下一步的账号，请联系系统管理员"
