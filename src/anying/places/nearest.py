"""Nearest resources to a point, with straight-line (great-circle) distance: the same on SQLite and
PostgreSQL. Each layer is searched inside a bounding box around the point that doubles from 1 km until it
holds enough candidates (the (latitude, longitude) index answers the box), then the candidates are
ranked by haversine distance in Python — exact, and cheap for the few hundred rows a box holds.
PostGIS is not needed; at the issue's 100,000 places the box query is the whole cost (bench/)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from .layers import Layer, rows

EARTH_KM = 6371.0088  # mean Earth radius (IUGG)
START_KM, MAX_KM = 1.0, 320.0
CAP = 5000  # rows a box may bring back to be ranked in Python


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


def box(lat: float, lon: float, km: float) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(south, north, west, east) of a box holding every point within `km` of (lat, lon)."""
    dlat = km / 111.0
    dlon = km / (111.0 * max(math.cos(math.radians(lat)), 0.01))
    q = Decimal("0.000001")
    return (Decimal(lat - dlat).quantize(q), Decimal(lat + dlat).quantize(q),
            Decimal(lon - dlon).quantize(q), Decimal(lon + dlon).quantize(q))


@dataclass
class Hit:
    layer: str
    row: dict
    km: float


def nearest(layer: Layer, user, lat: float, lon: float, *, limit: int = 10, params: dict | None = None,
            max_km: float = MAX_KM) -> list[Hit]:
    """The `limit` nearest rows of `layer` the user may see, within `max_km`.

    The box starts at 1 km and doubles until it holds `limit` rows within its radius; a box that
    would return more than CAP rows is never used truncated (that could drop the nearest): the
    radius is halved between the last box too small and the one too full instead."""
    fields = tuple(dict.fromkeys(("pk", layer.name, layer.lat, layer.lon, *layer.fields)))
    base = rows(layer, user, params)
    km, small, full = START_KM, 0.0, None
    inside: list[Hit] = []
    for _ in range(60):
        s, n, w, e = box(lat, lon, km)
        candidates = list(base.filter(**{f"{layer.lat}__gte": s, f"{layer.lat}__lte": n,
                                         f"{layer.lon}__gte": w, f"{layer.lon}__lte": e}).order_by().values(*fields)[:CAP + 1])
        if len(candidates) > CAP:  # too full to rank: a smaller box
            full = km
            km = (small + km) / 2
            continue
        hits = [Hit(layer.code, r, haversine_km(lat, lon, float(r[layer.lat]), float(r[layer.lon]))) for r in candidates]
        # the box's corners reach further than km: only hits within km are certainly the nearest
        inside = sorted((h for h in hits if h.km <= km), key=lambda h: h.km)
        if len(inside) >= limit or km >= max_km or (full is not None and full - km < 0.001):
            break
        small = km
        km = min(km * 2, max_km) if full is None else (km + full) / 2
    return [h for h in inside if h.km <= max_km][:limit]
