"""The one map (一张图): the page, each layer's points inside the visible box (grid cells with
counts where they are too many to draw), the nearest resources to a clicked point, offline tiles
from an MBTiles file and the regions' outlines."""

from __future__ import annotations

import hashlib
import math
import sqlite3
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, FloatField, IntegerField, Max, Min
from django.db.models.functions import Cast, Floor
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from anying.core.scope import region_subtree_q
from anying.core.views import perm_required

from . import layers as map_layers
from .nearest import nearest as nearest_rows

POINTS_MAX = 2000  # beyond this many points in the box, grid cells with counts are drawn
RESULTS_PER_LAYER = 5
CELL_SECONDS = 60  # counts at district zoom may lag a minute behind the registers


def _float(value: str | None, low: float, high: float) -> float | None:
    try:
        number = float(Decimal(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _bbox(request) -> tuple[float, float, float, float] | None:
    parts = (request.GET.get("bbox") or "").split(",")
    if len(parts) != 4:
        return None
    w, s, e, n = (_float(parts[0], -180, 180), _float(parts[1], -90, 90), _float(parts[2], -180, 180),
                  _float(parts[3], -90, 90))
    if None in (w, s, e, n) or w >= e or s >= n:
        return None
    return w, s, e, n


def base_map() -> dict:
    """What the page's script needs to draw the base layer."""
    tiles = settings.ANYING_MAP_TILES
    if tiles == "tianditu" and settings.ANYING_TIANDITU_KEY:
        key = settings.ANYING_TIANDITU_KEY
        return {"kind": "xyz", "attribution": "© 天地图", "layers": [
            f"https://t{{s}}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default"
            f"&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}",
            f"https://t{{s}}.tianditu.gov.cn/cva_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=cva&STYLE=default"
            f"&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"],
            "subdomains": "01234567", "crs": settings.ANYING_MAP_CRS}
    if tiles == "mbtiles" and settings.ANYING_MAP_MBTILES:
        return {"kind": "xyz", "layers": [reverse("map_tile", args=[0, 0, 0]).replace("/0/0/0", "/{z}/{x}/{y}")],
                "attribution": settings.ANYING_MAP_ATTRIBUTION, "crs": settings.ANYING_MAP_CRS, "subdomains": ""}
    if tiles.startswith(("http://", "https://")):
        return {"kind": "xyz", "layers": [tiles], "attribution": settings.ANYING_MAP_ATTRIBUTION,
                "crs": settings.ANYING_MAP_CRS, "subdomains": "abc"}
    return {"kind": "none", "crs": settings.ANYING_MAP_CRS}


def _extent(user) -> list[list[float]]:
    """[[south, west], [north, east]] of what the user may see on the first layer that has points
    (their territory's enterprises), so the map opens on their own area; a scan of the territory,
    kept for ten minutes per unit and role."""
    key = f"map-extent:{user.unit_id}:{user.role}:{user.is_superuser}"
    extent = cache.get(key)
    if extent is None:
        extent = _measure_extent(user)
        cache.set(key, extent, 600)
    return extent


def _measure_extent(user) -> list[list[float]]:
    for layer in map_layers.visible(user):
        box = map_layers.rows(layer, user).aggregate(s=Min(layer.lat), n=Max(layer.lat), w=Min(layer.lon), e=Max(layer.lon))
        if box["s"] is not None:
            return [[float(box["s"]), float(box["w"])], [float(box["n"]), float(box["e"])]]
    return [[29.65, 105.85], [30.05, 106.25]]  # 铜梁区, the demo district


def map_config(user, codes: set[str] | None = None, extent=None) -> tuple[dict, list[dict]]:
    """What map.js needs: the layers the user may see (only `codes`, when given), the base map, the
    box to open on, and the urls. Used by 一张图 and by pages that embed a map (the duty desk)."""
    layers = [{"code": la.code, "label": la.label, "colour": la.colour, "icon": la.icon, "resource": la.resource,
               "filters": [{"key": k, "label": f.label, "choices": [[str(v), str(t)] for v, t in f.choices()]}
                           for k, f in la.filters.items()]}
              for la in map_layers.visible(user) if codes is None or la.code in codes]
    config = {"layers": layers, "base": base_map(), "extent": extent or _extent(user),
              "urls": {"layer": reverse("map_layer", args=["CODE"]), "nearest": reverse("map_nearest"),
                       "outlines": reverse("map_outlines"), "areas": reverse("map_areas")}}
    return config, layers


def around(lat: float, lon: float, km: float = 3.0) -> list[list[float]]:
    """The box of about `km` around a point, for a map opened on it (an incident)."""
    d = km / 111.0
    return [[lat - d, lon - d], [lat + d, lon + d]]


@perm_required("places.map")
def map_page(request):
    lat, lon = _float(request.GET.get("lat"), -90, 90), _float(request.GET.get("lon"), -180, 180)
    config, layers = map_config(request.user, extent=around(lat, lon) if lat is not None and lon is not None else None)
    return render(request, "places/map.html", {"config": config, "layers": layers})


def _layer_or_404(request, code: str):
    layer = map_layers.REGISTRY.get(code)
    if layer is None or not request.user.has_perm_code(layer.perm):
        raise Http404
    return layer


@require_GET
@perm_required("places.map")
def layer(request, code: str):
    """Points of one layer inside ?bbox=west,south,east,north, or grid cells when too many."""
    la = _layer_or_404(request, code)
    box = _bbox(request)
    if box is None:
        return JsonResponse({"error": "bbox 参数须为 西,南,东,北 经纬度"}, status=400)
    w, s, e, n = box
    qs = map_layers.rows(la, request.user, request.GET).filter(**{
        f"{la.lat}__gte": Decimal(str(s)), f"{la.lat}__lte": Decimal(str(n)),
        f"{la.lon}__gte": Decimal(str(w)), f"{la.lon}__lte": Decimal(str(e))})
    fields = tuple(dict.fromkeys(("pk", la.name, la.lat, la.lon, *la.fields)))
    points = list(qs.order_by().values(*fields)[:POINTS_MAX + 1])
    if len(points) <= POINTS_MAX:
        return JsonResponse({"points": [_point(la, r) for r in points]})
    return JsonResponse({"clusters": _cells(la, request, box)})


def _cells(la, request, box) -> list[dict]:
    """Too many to draw: counts in square cells of a power-of-two size in degrees, about 40 over the
    box, over the box widened to whole cells — so the cells stay put while the map pans and the
    same answer serves the next request (cached for CELL_SECONDS per unit, role and filters; the
    scan of a city's 100,000 enterprises is the cost, bench/run_places.py)."""
    w, s, e, n = box
    size = 2.0 ** math.floor(math.log2(max(n - s, e - w, 1e-4) / 40))
    w, s = math.floor(w / size) * size, math.floor(s / size) * size
    e, n = math.ceil(e / size) * size, math.ceil(n / size) * size
    user = request.user
    chosen = sorted((k, request.GET[k]) for k in la.filters if request.GET.get(k))
    key = "map-cells:" + hashlib.sha256(repr((la.code, user.unit_id, user.role, user.is_superuser, size, w, s, e, n,
                                                chosen)).encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    qs = map_layers.rows(la, user, request.GET).filter(**{
        f"{la.lat}__gte": Decimal(repr(s)), f"{la.lat}__lte": Decimal(repr(n)),
        f"{la.lon}__gte": Decimal(repr(w)), f"{la.lon}__lte": Decimal(repr(e))})
    cells = (qs.annotate(gy=_cell(la.lat, size), gx=_cell(la.lon, size))
             .values("gy", "gx").annotate(count=Count("pk")).order_by())
    out = [{"lat": (c["gy"] + 0.5) * size - 360, "lon": (c["gx"] + 0.5) * size - 360, "count": c["count"]} for c in cells]
    cache.set(key, out, CELL_SECONDS)
    return out


def _cell(field: str, size: float):
    """The cell number of a coordinate: floor((x + 360) / size). Shifted positive so that
    truncation is the floor; SQLite then needs no FLOOR (a Python function per row there — seconds
    over 100,000 rows), PostgreSQL keeps FLOOR (its cast to integer rounds)."""
    shifted = (Cast(F(field), FloatField()) + 360.0) / size
    return Cast(shifted, IntegerField()) if connection.vendor == "sqlite" else Floor(shifted)


def _point(la, row: dict) -> dict:
    return {"id": row["pk"], "lat": float(row[la.lat]), "lon": float(row[la.lon]), "name": row[la.name],
            "colour": la.colour_of(row) if la.colour_of else la.colour,
            "lines": [line for line in la.popup(row) if line], "url": la.url(row) if la.url else ""}


@require_GET
@perm_required("places.map")
def nearest(request):
    """The nearest resources of every resource layer (or ?layers=a,b) to ?lat=&lon=."""
    lat, lon = _float(request.GET.get("lat"), -90, 90), _float(request.GET.get("lon"), -180, 180)
    if lat is None or lon is None:
        return JsonResponse({"error": "请在地图上点选位置（lat、lon 参数无效）"}, status=400)
    wanted = [c for c in (request.GET.get("layers") or "").split(",") if c]
    out = []
    for la in map_layers.visible(request.user):
        if not la.resource or (wanted and la.code not in wanted):
            continue
        hits = nearest_rows(la, request.user, lat, lon, limit=RESULTS_PER_LAYER, params=request.GET)
        out.append({"code": la.code, "label": la.label, "colour": la.colour,
                    "hits": [{**_point(la, h.row), "km": round(h.km, 1)} for h in hits]})
    return JsonResponse({"lat": lat, "lon": lon, "layers": out})


@require_GET
@perm_required("places.map")
def outlines(request):
    """The outlines of the regions in the user's territory, as a GeoJSON FeatureCollection."""
    from .models import RegionOutline

    rows = RegionOutline.objects.filter(region_subtree_q(request.user, "region")).select_related("region")
    return JsonResponse({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": r.geometry, "properties": {"name": r.region.name, "level": r.region.level}}
        for r in rows]})


@require_GET
@perm_required("places.map")
def areas(request):
    """The areas the upper apps draw over the map for this user (warnings in force), as GeoJSON."""
    return JsonResponse({"type": "FeatureCollection",
                         "features": [f for provider in map_layers.AREAS for f in provider(request.user)]})


@require_GET
@perm_required("places.map")
def tile(request, z: int, x: int, y: int):
    """A tile of the offline MBTiles file (TMS rows: y is flipped)."""
    path = settings.ANYING_MAP_MBTILES
    if not path or z > 22 or not (0 <= x < 1 << z and 0 <= y < 1 << z):
        raise Http404
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            row = db.execute("SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                             (z, x, (1 << z) - 1 - y)).fetchone()
            fmt = db.execute("SELECT value FROM metadata WHERE name='format'").fetchone()
    except sqlite3.Error:  # a missing or damaged file: no tile, not a 500
        raise Http404 from None
    if row is None:
        raise Http404
    kind = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}.get(fmt[0] if fmt else "png", "image/png")
    response = HttpResponse(row[0], content_type=kind)
    response["Cache-Control"] = "private, max-age=86400"
    return response

