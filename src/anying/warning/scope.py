"""Who sees a warning. A government unit sees the warnings it or a unit within its territory
issued (the district sees the towns' own), and every issued warning that covers a region of its
territory (a town sees the district's warnings over it; drafts stay with their authors' units
and those above them). An enterprise sees issued warnings over its region."""

from __future__ import annotations

from django.db import models

from anying.core.models import Region
from anying.core.scope import ALL, ENTERPRISE, GOVERNMENT, NOTHING, SYSTEM, unit_q, unit_region_path, viewer

PUBLISHED = ("issued", "updated", "cancelled", "expired")


def warning_q(user, perm: str = "warning.view") -> models.Q:
    kind = viewer(user, perm)
    if kind == SYSTEM:
        return ALL
    if kind not in (GOVERNMENT, ENTERPRISE):
        return NOTHING
    from .models import Warning

    path = unit_region_path(user)
    if kind == ENTERPRISE:
        # the enterprise's own region and those above it: a warning naming its town covers it
        region_ids = [int(p) for p in path.strip("/").split("/") if p]
    else:
        region_ids = Region.objects.filter(path__startswith=path).values("id")
    covering = Warning.regions.through.objects.filter(region_id__in=region_ids).values("warning_id")
    published = models.Q(status__in=PUBLISHED, pk__in=covering)
    if kind == ENTERPRISE:
        return published
    return unit_q(user, unit="unit") | published
