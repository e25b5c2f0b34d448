"""Region outlines from GeoJSON: each feature is matched to a region by its name (or by the
property named with --name-property), its geometry kept as it is (Polygon or MultiPolygon in
longitude/latitude). Features that match no region, or more than one, are reported and skipped."""

from __future__ import annotations

import json

from django.db import transaction

from anying.core import audit
from anying.core.models import AuditEvent, Region

from .models import RegionOutline

GEOMETRIES = {"Polygon", "MultiPolygon"}


def _valid(geometry) -> bool:
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRIES:
        return False
    rings = geometry.get("coordinates") or []
    polygons = rings if geometry["type"] == "MultiPolygon" else [rings]
    try:
        return all(-180 <= float(x) <= 180 and -90 <= float(y) <= 90
                   for polygon in polygons for ring in polygon for x, y, *_ in ring) and bool(polygons)
    except (TypeError, ValueError):
        return False


@transaction.atomic
def import_outlines(actor, data: bytes | str, *, name_property: str = "name", source: str = "") -> tuple[int, list[str]]:
    """(regions updated, problems). Raises ValueError when the file is not GeoJSON."""
    try:
        collection = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"不是有效的 GeoJSON 文件：{exc}") from None
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list):
        raise ValueError("GeoJSON 须为 FeatureCollection")
    done, problems = 0, []
    for n, feature in enumerate(features, 1):
        name = str(((feature or {}).get("properties") or {}).get(name_property) or "").strip()
        geometry = (feature or {}).get("geometry")
        if not name:
            problems.append(f"第 {n} 个要素没有 {name_property} 属性")
            continue
        if not _valid(geometry):
            problems.append(f"{name}：几何须为经纬度的 Polygon 或 MultiPolygon")
            continue
        regions = list(Region.objects.filter(name=name))
        if len(regions) != 1:
            problems.append(f"{name}：{'没有' if not regions else '有多个'}同名区划")
            continue
        RegionOutline.objects.update_or_create(region=regions[0], defaults={"geometry": geometry, "source": source})
        audit.record(actor, AuditEvent.Action.UPDATE, regions[0], summary="导入区划边界")
        done += 1
    return done, problems
