"""Warnings in force on the map (一张图 and the 值班台, issue #17 point 6): each as its polygon, or as
the outlines of the towns and villages it names, coloured by level, linking to the warning. A
provider of places.layers' areas; the map draws what every provider gives the user."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from .models import Warning

COLOURS = {"blue": "#0d6efd", "yellow": "#e0a800", "orange": "#fd7e14", "red": "#dc3545"}


def areas(user) -> list[dict]:
    if not user.has_perm_code("warning.view"):
        return []
    from anying.places.models import RegionOutline

    shown = list(Warning.objects.visible_to(user).filter(status=Warning.Status.ISSUED, expires__gt=timezone.now())
                 .prefetch_related("regions").order_by("-issued_at")[:50])
    outlines = dict(RegionOutline.objects.filter(region__in={r.pk for w in shown for r in w.regions.all()})
                    .values_list("region_id", "geometry"))
    features = []
    for w in shown:
        props = {"label": f"{w.kind_label()}{w.get_level_display()}预警：{w.headline}", "colour": COLOURS[w.level],
                 "url": reverse("warning:detail", args=[w.pk])}
        if w.polygon:
            ring = [list(p) for p in w.polygon] + [list(w.polygon[0])]
            features.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
                             "properties": props})
        for region in w.regions.all():
            if region.pk in outlines:
                features.append({"type": "Feature", "geometry": outlines[region.pk], "properties": props})
    return features
