"""Which government unit may decide what on a major hazard (PRODUCT.md §4.1).

- 督办 levels follow the issuing unit's level: a town office issues none, a district unit
  区级督办, a city (or 直辖市) unit 区级 or 市级 — a unit never issues above its own level.
- A supervised hazard is reviewed — closed (审核把关销号) or sent back — only by the
  supervising unit or a unit above it: the 安委会/安委办 of the same region over its
  departments and town offices, or any government unit of a region above. Other inspectors
  whose scope covers the hazard still see it, rectify it and report its progress, but do not
  decide its review.

The workflow's parties (`workflow.parties_of`) read these rules, so pages offer only what the
user may do and the service refuses the rest with a Chinese reason (`refusal`).
"""

from __future__ import annotations

from django.db.models import Q

from anying.core.models import Organisation, Region
from anying.core.scope import unit_region_path

from .models import Hazard, Supervision

# Administrative levels from the bottom: a unit acts at its region's level.
RANK = {Region.Level.VILLAGE: 0, Region.Level.TOWN: 1, Region.Level.DISTRICT: 2, Region.Level.CITY: 3,
        Region.Level.PROVINCE: 4}  # 重庆市 is a 直辖市 (PROVINCE level): its units issue 市级督办
LEVEL_RANK = {Supervision.Level.DISTRICT: RANK[Region.Level.DISTRICT], Supervision.Level.CITY: RANK[Region.Level.CITY]}
COORDINATING = (Organisation.Kind.COMMITTEE, Organisation.Kind.COMMITTEE_OFFICE)


def unit_rank(unit: Organisation | None) -> int:
    if unit is None or not unit.is_government:
        return -1
    return RANK.get(unit.region.level, -1)


def supervision_levels(user) -> list[tuple[str, str]]:
    """The 督办 levels the user's unit may issue (choices): none for a town."""
    if user is None:
        return list(Supervision.Level.choices)  # the system (the overdue ladder's 挂牌督办)
    if user.is_superuser and user.unit_id is None:
        return list(Supervision.Level.choices)
    rank = unit_rank(user.unit)
    return [(value, label) for value, label in Supervision.Level.choices if LEVEL_RANK[value] <= rank]


def supervision_of(hazard: Hazard) -> Supervision | None:
    try:
        return hazard.supervision
    except Supervision.DoesNotExist:
        return None


def is_above(unit: Organisation, other: Organisation) -> bool:
    """`unit` stands above `other`: a region above it, or the coordinating office of its region."""
    if unit.region_id == other.region_id:
        return unit.kind in COORDINATING and other.kind not in COORDINATING
    return other.region.path.startswith(unit.region.path)


def may_review(user, hazard: Hazard) -> bool:
    """Whether an inspector (in scope) may close or send back this hazard: anyone for a hazard not
    under 督办; the supervising unit or above it for a supervised one."""
    supervision = supervision_of(hazard)
    if supervision is None:
        return True
    if user.is_superuser and user.unit_id is None:
        return True
    unit = user.unit
    if unit is None or not unit.is_government:
        return False
    return unit.pk == supervision.unit_id or is_above(unit, supervision.unit)


def reviewable_q(user, prefix: str = "") -> Q:
    """`may_review` as a condition on hazards (`prefix` to reach the hazard, e.g. "hazard__"), for
    work queues: a hazard not under 督办, or one whose supervising unit is the user's or below it."""
    if user.is_superuser and user.unit_id is None:
        return Q()
    unit = user.unit
    if unit is None or not unit.is_government:
        return Q(pk__in=[])
    sup = f"{prefix}supervision__unit"
    q = Q(**{f"{prefix}supervision__isnull": True}) | Q(**{sup: unit.pk})
    path = unit_region_path(user)  # cached by the scope rule: no query of its own
    q |= Q(**{f"{sup}__region__path__startswith": path}) & ~Q(**{f"{sup}__region": unit.region_id})
    if unit.kind in COORDINATING:
        q |= Q(**{f"{sup}__region": unit.region_id}) & ~Q(**{f"{sup}__kind__in": COORDINATING})
    return q


def refusal(user, hazard: Hazard, name: str) -> str:
    """Why an inspector may not take `name` on this hazard, when the rules here are the reason
    (else ""): the message a forced POST or an API call gets."""
    from .workflow import INSPECTOR, LIFECYCLE, REVIEWER, SUPERVISOR

    parties = LIFECYCLE.party_set(user, hazard)
    if INSPECTOR not in parties:
        return ""
    spec = LIFECYCLE.table.get(name)
    if spec is None:
        return ""
    supervision = supervision_of(hazard)
    if REVIEWER in spec.parties and REVIEWER not in parties and supervision is not None:
        return (f"该隐患已由{supervision.unit.name}{supervision.get_level_display()}（{supervision.document_no}），"
                f"须由督办单位或其上级审核，{user.unit.name}不能{spec.label}")
    if SUPERVISOR in spec.parties and SUPERVISOR not in parties:
        return f"{user.unit.name}为镇街级单位，不能发起区级或市级督办；请报区级单位督办"
    return ""
