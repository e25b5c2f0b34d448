"""What upper apps add to a warning's delivery without this app importing them.

`RECIPIENT_SOURCES`: the apps that keep people responsible for something in a place (the risk
points' 三个责任人 and 群测群防员, the forest zones and 护林员) register a provider; when a warning
is issued every provider is asked for the people of the warning's area, and the 叫应 ledger is
built from all of them (deduplicated by phone, roles joined).

    provider(warning, area: Area) -> Iterable[RecipientSpec]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Area:
    """Where a warning applies: the regions it names and every region below them, and its
    polygon (GeoJSON ring of [lon, lat]) when drawn on the map."""

    region_ids: frozenset[int]
    polygon: list | None = None
    families: frozenset[str] = field(default_factory=frozenset)  # the warning's hazard families

    def covers_point(self, longitude, latitude) -> bool:
        """Whether a coordinate lies inside the polygon (ray casting; no polygon = no filter)."""
        if not self.polygon or longitude is None or latitude is None:
            return True
        x, y, inside = float(longitude), float(latitude), False
        ring = self.polygon
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                inside = not inside
        return inside


@dataclass(frozen=True)
class RecipientSpec:
    """A person to tell. `role` says why ("龙洞湾滑坡 行政责任人"); `region_id` is where they answer
    for (a village, a town); `superior_*` is whom their silence escalates to."""

    name: str
    phone: str
    region_id: int
    role: str
    contact_id: int | None = None
    user_id: int | None = None
    superior_name: str = ""
    superior_phone: str = ""
    superior_user_id: int | None = None


RECIPIENT_SOURCES: list[Callable[[object, Area], Iterable[RecipientSpec]]] = []


def register_recipient_source(provider: Callable) -> None:
    if provider not in RECIPIENT_SOURCES:
        RECIPIENT_SOURCES.append(provider)


# `ON_ISSUE`: called inside the transaction that issues a warning (after its recipients are
# queued), e.g. the risk points open their 雨前排查 / 雨中巡查 checks and arm their evacuation
# triggers, the forest app raises patrol frequency. `on_issue(warning)`; it must be quick.
ON_ISSUE: list[Callable[[object], None]] = []


def register_on_issue(hook: Callable) -> None:
    if hook not in ON_ISSUE:
        ON_ISSUE.append(hook)
