"""One base for every physical place (issue #14 point 1): warehouses, team bases, shelters, offices,
and the risk points, checkpoints, cameras and installations of later issues. A register that
owns a place (a warehouse, a rescue team) points at its `Place`; maps, nearest-resource search,
scope and 公示 then work the same for all of them (places/layers.py, places/nearest.py).

Coordinates are CGCS2000 longitude/latitude — the frame of 天地图 and, to well under a metre,
WGS84 — so nothing is offset when stored; a deployment whose base map is GCJ-02 converts for
display only (static/anying/map.js). Enterprises keep their own coordinates in the registry and
join the map and the search as a layer of their own (places/builtin_layers.py)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

from anying.core.models import Organisation, Region
from anying.core.scope import ScopedQuerySet

# mainland China with its islands, generously: a point outside is almost always swapped or mistyped
CHINA = {"lat": (Decimal("3.5"), Decimal("54")), "lon": (Decimal("73"), Decimal("136"))}


class PlaceQuerySet(ScopedQuerySet):
    scope_rule = "resource"
    scope_fields = {"unit": "owner", "shared": "dispatchable"}


class Place(models.Model):
    class Kind(models.TextChoices):
        WAREHOUSE = "warehouse", "物资仓库"
        TEAM_BASE = "team_base", "队伍驻地"
        SHELTER = "shelter", "应急避难场所"
        OFFICE = "office", "办公地点"
        RISK_POINT = "risk_point", "风险点"
        CHECKPOINT = "checkpoint", "卡口"
        CAMERA = "camera", "视频点位"
        INSTALLATION = "installation", "重大危险源"
        OTHER = "other", "其他"

    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    owner = models.ForeignKey(Organisation, verbose_name="管理单位", on_delete=models.PROTECT, related_name="places")
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="places")
    address = models.CharField("地址", max_length=300, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    contact_name = models.CharField("联系人", max_length=60, blank=True)
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    capacity = models.PositiveIntegerField("容纳人数", null=True, blank=True, help_text="避难场所填写")
    dispatchable = models.BooleanField("可供下级调度", default=False,
                                       help_text="勾选后，下级镇街在调度时可以看到并调用该场所的资源")
    public = models.BooleanField("向社会公示", default=False, help_text="避难场所等向公众公示的位置")
    note = models.TextField("备注", blank=True)
    is_active = models.BooleanField("在用", default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "场所"
        ordering = ["region__path", "kind", "name"]
        # a layer is one kind in a box: (kind, latitude, longitude) answers it on both databases
        # (SQLite without statistics otherwise takes the kind index and scans every place of it)
        indexes = [models.Index(fields=["latitude", "longitude"], name="place_lat_lon"),
                   models.Index(fields=["kind", "latitude", "longitude"], name="place_kind_lat_lon"),
                   models.Index(fields=["kind", "region"], name="place_kind_region")]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": "经度和纬度须同时填写或同时留空"})
        if self.latitude is None:
            return
        if not CHINA["lat"][0] <= self.latitude <= CHINA["lat"][1] or not CHINA["lon"][0] <= self.longitude <= CHINA["lon"][1]:
            swapped = CHINA["lat"][0] <= self.longitude <= CHINA["lat"][1] and CHINA["lon"][0] <= self.latitude <= CHINA["lon"][1]
            raise ValidationError({"latitude": "经纬度可能填反了（经度约 73–136，纬度约 3.5–54）" if swapped
                                   else "坐标不在中国境内，请检查经纬度"})


class RegionOutline(models.Model):
    """A region's boundary as GeoJSON (imported: `anying import-outlines`), drawn on the map."""
    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="outline", verbose_name="区划")
    geometry = models.JSONField("边界（GeoJSON 几何）")
    source = models.CharField("来源", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "区划边界"

    def __str__(self) -> str:
        return f"{self.region}边界"
