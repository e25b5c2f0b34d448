"""Places API: the places of the caller's scope (shelters, warehouses, team bases … by kind), one
place, and the nearest resources to a point — the same answers as the map."""


import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from anying.core.errors import PermissionDenied
from anying.core.filters import ChoiceFilter, ListFilter, RegionFilter, TextFilter
from anying.core.listing import BoundedPagination

from . import layers as map_layers
from .models import Place
from .nearest import nearest as nearest_rows

router = Router(tags=["场所与一张图"])


class PlaceFilter(ListFilter):
    kind = ChoiceFilter(label="类型", choices=Place.Kind.choices)
    q = TextFilter(label="名称或地址", field_name="name", lookup_expr="icontains", help_text="名称中的文字")
    region = RegionFilter()


class PlaceOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    owner: str = Field(alias="owner.name")
    region: str = Field(alias="region.name")
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    contact_name: str
    contact_phone: str
    capacity: int | None
    dispatchable: bool
    public: bool
    is_active: bool
    updated_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()


class HitOut(Schema):
    id: int
    name: str
    latitude: float
    longitude: float
    km: float = Field(description="直线距离（公里）")
    url: str


class LayerHitsOut(Schema):
    layer: str
    label: str
    hits: list[HitOut]


def _places(request):
    if not request.user.has_perm_code("places.map"):
        raise PermissionDenied("无权查看场所")
    return Place.objects.visible_to(request.user).select_related("owner", "region")


@router.get("/", response=list[PlaceOut], summary="场所列表（本人范围，含上级可供调度的）")
@paginate(BoundedPagination)
def list_places(request, filters: Query[PlaceFilter.Params]):
    return PlaceFilter.from_api(filters).apply(_places(request)).order_by("region__path", "kind", "name")


@router.get("/nearest", response=list[LayerHitsOut], summary="就近资源（按直线距离，每个资源图层最近 5 个）")
def nearest(request, lat: float = Query(..., ge=-90, le=90, description="纬度（CGCS2000）"),
            lon: float = Query(..., ge=-180, le=180, description="经度（CGCS2000）"),
            layers: str = Query("", max_length=200, description="图层代码，逗号分隔；为空则全部资源图层"),
            limit: int = Query(5, ge=1, le=20)):
    if not request.user.has_perm_code("places.map"):
        raise PermissionDenied("无权查看一张图")
    wanted = [c for c in layers.split(",") if c]
    out = []
    for la in map_layers.visible(request.user):
        if la.resource and (not wanted or la.code in wanted):
            hits = nearest_rows(la, request.user, lat, lon, limit=limit)
            out.append({"layer": la.code, "label": la.label, "hits": [
                {"id": h.row["pk"], "name": h.row[la.name], "latitude": float(h.row[la.lat]),
                 "longitude": float(h.row[la.lon]), "km": round(h.km, 2), "url": la.url(h.row) if la.url else ""}
                for h in hits]})
    return out


@router.get("/{int:place_id}", response=PlaceOut, summary="场所详情")
def get_place(request, place_id: int):
    return get_object_or_404(_places(request), pk=place_id)
