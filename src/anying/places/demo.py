"""Demo places for 铜梁区: an 应急避难场所 in each of a few towns, placed among the town's demo
enterprises (the demo has no real boundaries, so none are invented). Teams and warehouses come
with their own apps' demos."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Avg

from anying.core.models import Organisation, Region

from .models import Place

SHELTERS = [  # town, name, capacity, dispatchable
    ("巴川街道", "巴川街道中心广场应急避难场所", 3000, True),
    ("东城街道", "东城街道体育公园应急避难场所", 5000, True),
    ("旧县街道", "旧县街道中学操场应急避难场所", 1200, False),
    ("虎峰镇", "虎峰镇文化广场应急避难场所", 800, False),
    ("安居镇", "安居古镇游客中心应急避难场所", 1500, False),
]


def load(rng) -> None:
    if Place.objects.filter(kind=Place.Kind.SHELTER).exists():
        return
    from anying.registry.models import Enterprise

    for town_name, name, capacity, shared in SHELTERS:
        town = Region.objects.filter(name=town_name, level=Region.Level.TOWN).first()
        if town is None:
            continue
        centre = Enterprise.objects.filter(region__path__startswith=town.path, latitude__isnull=False).aggregate(
            lat=Avg("latitude"), lon=Avg("longitude"))
        if centre["lat"] is None:
            continue
        owner = (Organisation.objects.filter(region=town, kind=Organisation.Kind.TOWN_OFFICE).first()
                 or Organisation.objects.filter(name="区应急局").first())
        q = Decimal("0.000001")
        Place.objects.create(
            name=name, kind=Place.Kind.SHELTER, owner=owner, region=town, capacity=capacity, dispatchable=shared,
            public=True, address=f"重庆市铜梁区{town_name}", contact_name="值班室", contact_phone="023-45600000",
            latitude=(Decimal(centre["lat"]) + Decimal(rng.uniform(-0.004, 0.004))).quantize(q),
            longitude=(Decimal(centre["lon"]) + Decimal(rng.uniform(-0.004, 0.004))).quantize(q))
