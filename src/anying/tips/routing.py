"""Which unit should handle a tip: the government unit whose scope covers the tip's place (and
the enterprise's industry, when known), the nearest first, the town office (属地) before a
department at the same level. The 12350 desk sees the suggestion and may choose another."""

from __future__ import annotations

from anying.core.models import Organisation, Region
from anying.core.scope import industry_ids

HANDLING_KINDS = [Organisation.Kind.TOWN_OFFICE, Organisation.Kind.DEPARTMENT, Organisation.Kind.COMMITTEE_OFFICE]


def candidates(region: Region, industry_id: int | None) -> list[Organisation]:
    """Units that cover the place, best first."""
    ancestors = [int(p) for p in region.path.strip("/").split("/") if p]
    units = list(Organisation.objects.filter(kind__in=HANDLING_KINDS, is_active=True, region_id__in=ancestors)
                 .select_related("region"))
    covering = []
    for unit in units:
        industries = industry_ids(unit) if unit.kind == Organisation.Kind.DEPARTMENT else None
        if industries is not None and industry_id not in industries:
            continue  # a department with particular industries covers only those
        if unit.kind == Organisation.Kind.DEPARTMENT and industries is None and industry_id is None:
            continue  # a department without listed industries says nothing about an unknown trade
        covering.append(unit)
    return sorted(covering, key=lambda u: (-u.region.depth, HANDLING_KINDS.index(u.kind), u.name))


def suggest(region: Region, industry_id: int | None) -> Organisation | None:
    found = candidates(region, industry_id)
    return found[0] if found else None



def assignable(region: Region, industry_id: int | None, actor) -> list[Organisation]:
    """What the desk may choose from: the covering units first (best first), then every other
    handling unit of the desk's territory (a tip may need a department nobody could infer)."""
    from anying.core.scope import region_subtree_q

    best = candidates(region, industry_id)
    others = (Organisation.objects.filter(kind__in=HANDLING_KINDS, is_active=True)
              .filter(region_subtree_q(actor, "region")).exclude(pk__in=[u.pk for u in best])
              .order_by("region__path", "kind", "name"))
    return best + list(others)
