"""Map layers (一张图) and the nearest-resource search share one description of each kind of
point: a `Layer` names a scoped queryset, where its coordinates are, what to show on click and
whether it is a resource the nearest search offers. Apps register their layers from `ready()`
(enterprises and major hazards here; teams, warehouses and experts from their own apps), so a
later issue's checkpoints or cameras join the map and the search by registering one more.

A layer's queryset is already scoped to the user; the map loads only the points inside the
visible bounding box and, where they are too many to draw (100,000 enterprises at district
zoom), grid cells with counts instead (views.layer)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet


@dataclass(frozen=True)
class Filter:
    """A choice the map offers for a layer: `lookup` is applied with the chosen value."""
    label: str
    choices: Callable[[], list[tuple[str, str]]]
    lookup: str


@dataclass(frozen=True)
class Layer:
    code: str  # "enterprises"
    label: str  # 生产经营单位
    queryset: Callable[[object], QuerySet]  # user → the rows they may see
    colour: str = "#1f5f8b"
    icon: str = "geo-alt"  # a Bootstrap icon name, for the legend
    lat: str = "latitude"
    lon: str = "longitude"
    name: str = "name"
    # row → (url, [popup lines]); rows come from .values(*fields) so a popup costs no query
    fields: tuple[str, ...] = ()
    popup: Callable[[dict], list[str]] = lambda row: []
    url: Callable[[dict], str] | None = None
    colour_of: Callable[[dict], str] | None = None  # per point (risk colour), else `colour`
    filters: dict[str, Filter] = field(default_factory=dict)
    resource: bool = False  # offered by the nearest-resource search
    perm: str = "places.map"
    order: int = 100


REGISTRY: dict[str, Layer] = {}


def register(*layers: Layer) -> None:
    for layer in layers:
        REGISTRY[layer.code] = layer


def visible(user) -> list[Layer]:
    """The layers the user may see, in order."""
    return sorted((la for la in REGISTRY.values() if user.has_perm_code(la.perm)), key=lambda la: (la.order, la.code))


def rows(layer: Layer, user, params: dict | None = None) -> QuerySet:
    """The layer's scoped rows with coordinates, narrowed by its filters' chosen values."""
    qs = layer.queryset(user).filter(**{f"{layer.lat}__isnull": False, f"{layer.lon}__isnull": False})
    for key, flt in layer.filters.items():
        value = (params or {}).get(key)
        if value not in (None, ""):
            qs = qs.filter(**{flt.lookup: value})
    return qs


# Areas drawn over the map (warnings in force, issue #17): providers registered by upper apps,
# provider(user) -> [GeoJSON Feature with properties label, colour, url], already scoped to the user.
AREAS: list[Callable[[object], list[dict]]] = []


def register_areas(provider: Callable) -> None:
    if provider not in AREAS:
        AREAS.append(provider)
