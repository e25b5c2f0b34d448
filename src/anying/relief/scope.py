"""Who sees a relief round: everyone whose territory holds the round's district or lies under it
(the district, its towns, its villages' committees) — they all work in it — behind relief.view."""

from __future__ import annotations

from django.db import models

from anying.core.scope import ALL, GOVERNMENT, NOTHING, SYSTEM, ancestor_paths, unit_region_path, viewer


def round_q(user, perm: str = "relief.view") -> models.Q:
    kind = viewer(user, perm)
    if kind == SYSTEM:
        return ALL
    if kind != GOVERNMENT:
        return NOTHING
    path = unit_region_path(user)
    return models.Q(region__path__startswith=path) | models.Q(region__path__in=ancestor_paths(path))
