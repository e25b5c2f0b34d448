"""Who sees a disaster event: everyone whose territory holds the event's district or one of its
towns (the district, the towns hit, the departments), and a village's 灾害信息员 the events over
their town — they report into them."""

from __future__ import annotations

from django.db import models

from anying.core.models import Region
from anying.core.scope import ALL, GOVERNMENT, NOTHING, SYSTEM, ancestor_paths, unit_region_path, viewer


def event_q(user, perm: str = "disasters.view") -> models.Q:
    kind = viewer(user, perm)
    if kind == SYSTEM:
        return ALL
    if kind != GOVERNMENT:
        return NOTHING
    from .models import Event

    path = unit_region_path(user)
    within = Region.objects.filter(path__startswith=path).values("id")
    above = Region.objects.filter(path__in=ancestor_paths(path)).values("id")
    towns = Event.towns.through.objects.filter(models.Q(region_id__in=within) | models.Q(region_id__in=above))
    return models.Q(region__path__startswith=path) | models.Q(pk__in=towns.values("event_id"))
