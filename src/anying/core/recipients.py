"""Who is told: the people behind the parties a lifecycle names (the enterprise, the supervising
unit, a unit's desk). Lifecycles compose their recipient groups from these, so "the supervising
unit" means the same for a hazard, a penalty or an accident."""

from __future__ import annotations

from .models import Organisation, Region, User
from .scope import industry_ids

SUPERVISING_KINDS = (Organisation.Kind.TOWN_OFFICE, Organisation.Kind.DEPARTMENT)


def members(unit_ids, code: str | None = None) -> list[User]:
    """Active users of these units (holding permission `code`, when given)."""
    users = User.objects.filter(unit_id__in=[u for u in unit_ids if u], is_active=True, unit__is_active=True)
    return [u for u in users if code is None or u.has_perm_code(code)]


def ancestors(region: Region | int) -> list[int]:
    path = region.path if isinstance(region, Region) else Region.objects.only("path").get(pk=region).path
    return [int(p) for p in path.strip("/").split("/") if p]


def supervising_units(region: Region | int, industry_id: int | None) -> list[Organisation]:
    """The town office of the place (属地) and the departments whose industries cover it (行业),
    at the place's level or above: the units that answer for a record there."""
    units = Organisation.objects.filter(kind__in=SUPERVISING_KINDS, is_active=True, region_id__in=ancestors(region))
    found = []
    for unit in units:
        if unit.kind == Organisation.Kind.DEPARTMENT:
            covered = industry_ids(unit)
            if covered is not None and industry_id not in covered:
                continue  # 行业监管: only its industries (a department without any covers all, as in scope)
        found.append(unit)
    return found


def supervisors(region: Region | int, industry_id: int | None, code: str) -> list[User]:
    return members([u.pk for u in supervising_units(region, industry_id)], code)


def town(region: Region | int) -> list[User]:
    """The town office of the place itself (属地), all its active users."""
    region_id = region.pk if isinstance(region, Region) else region
    return members(Organisation.objects.filter(kind=Organisation.Kind.TOWN_OFFICE, region_id=region_id, is_active=True)
                   .values_list("pk", flat=True))


def over(region: Region | int, code: str) -> list[User]:
    """Holders of `code` in the units at the place or above it (a 12350 desk, a duty desk)."""
    units = Organisation.objects.filter(region_id__in=ancestors(region), is_active=True).values_list("pk", flat=True)
    return members(list(units), code)


# "Who is on duty now" (issue #15): the duty app fills this in from its ready(); a lifecycle or a
# clock that must reach a desk at night asks it rather than every member of the unit. Without the
# duty app (or with no roster) the answer is empty and callers fall back to the unit's members.
ON_DUTY: list = []  # providers: provider(unit_ids, at) -> list[User]


def on_duty(unit_ids, at=None) -> list[User]:
    """The users rostered on duty now (or at `at`) in these units, across every provider."""
    found: dict[int, User] = {}
    for provider in ON_DUTY:
        for user in provider(unit_ids, at):
            found.setdefault(user.pk, user)
    return list(found.values())


def desk(unit_ids, code: str | None = None, at=None) -> list[User]:
    """Who answers for a unit's desk now: those on duty when a roster says so, else its members."""
    return on_duty(unit_ids, at) or members(unit_ids, code)
