"""The rows of the 一张表 and of the reports' tables: which regions a user's figures are
broken down by.

Above town level (a district, a city) the rows are the regions one level down — the towns of a
district — plus, when records sit on the user's own region itself (an enterprise registered
directly under the district), a 本级 row for them. A town user's table has one row, the town,
whatever villages it has: records of its villages count in it."""

from __future__ import annotations

from anying.core.models import Region
from anying.core.scope import unit_region_path

ABOVE_TOWN = {Region.Level.PROVINCE, Region.Level.CITY, Region.Level.DISTRICT}


class Rows:
    def __init__(self, user):
        self.own = Region.objects.get(path=unit_region_path(user))
        children = []
        if self.own.level in ABOVE_TOWN:
            children = list(Region.objects.filter(parent=self.own).order_by("sort", "name"))
        self.children = children or [self.own]
        self.direct = bool(children)  # the own region is a row of its own (本级) too

    @property
    def all(self) -> list[Region]:
        return self.children + ([self.own] if self.direct else [])

    def is_direct(self, region: Region) -> bool:
        return self.direct and region.pk == self.own.pk

    def label(self, region: Region) -> str:
        return f"{region.name}（本级）" if self.is_direct(region) else region.name

    def row_for(self, path: str) -> Region | None:
        for region in self.children:
            if path.startswith(region.path):
                return region
        return self.own if self.direct and path == self.own.path else None

    def fold(self, counts: dict[int, int], paths: dict[int, str] | None = None) -> dict[int, int]:
        """{region id: n} → {row region id: n}."""
        paths = paths if paths is not None else self.paths(counts)
        out = dict.fromkeys((r.pk for r in self.all), 0)
        for region_id, n in counts.items():
            row = self.row_for(paths.get(region_id, ""))
            if row is not None:
                out[row.pk] += n or 0
        return out

    @staticmethod
    def paths(region_ids) -> dict[int, str]:
        return dict(Region.objects.filter(pk__in=list(region_ids)).values_list("pk", "path"))
