"""Fixtures of the house ledger tests: a rainstorm event over two towns, the village officers,
risk points near a site, and a household recorded by a village officer with a photo."""

import datetime as dt
import io
import itertools
import math
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anying.core.models import Organisation, Region
from anying.core.permissions import SYSTEM
from anying.disasters.models import Event
from anying.forestfire.entry import CHECK, WEIGHTS
from anying.houses import services
from anying.places.models import Place
from anying.riskpoints.models import DisasterRiskPoint

_seq = itertools.count(1)
SITE = (Decimal("29.800000"), Decimal("106.000000"))


def valid_id(seq: int = 1) -> str:
    body = f"50015119800101{seq % 1000:03d}"
    return body + CHECK[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def north(lat: Decimal, metres: float) -> Decimal:
    """The latitude `metres` north along the meridian (the haversine's own radius)."""
    return (lat + Decimal(math.degrees(metres / 6371008.8))).quantize(Decimal("0.000001"))


def jpeg(name="现场.jpg") -> SimpleUploadedFile:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 100, 50)).save(buf, format="JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


@pytest.fixture
def villages(district):
    from anying.disasters.villages import committees

    return committees()


@pytest.fixture
def officer(villages):
    """玉泉村's 灾害信息员 (cunyuan)."""
    return villages["玉泉村"][2]


@pytest.fixture
def event(district, town, users):
    e = Event.objects.create(number=f"ZH{next(_seq)}", name="7·12 暴雨洪涝灾害", kind="flood",
                             started_at=timezone.now() - dt.timedelta(days=40), region=district,
                             unit=users["admin"].unit)
    e.towns.set([town("旧县街道"), town("虎峰镇")])
    return e


@pytest.fixture
def house_data(event, villages):
    def make(village="玉泉村", **extra):
        data = {"event": event, "village": villages[village][0], "head": "何国强", "id_number": valid_id(next(_seq)),
                "phone": "13912345678", "members": 4, "situation": "general", "structure": "earth_wood", "rooms": 4,
                "rooms_collapsed": 2, "rooms_severe": 1, "rooms_general": 0, "cause": "山洪冲毁",
                "assessed_on": timezone.localdate() - dt.timedelta(days=30), "assessors": "王建平、何玉泉"}
        data.update(extra)
        return data
    return make


@pytest.fixture
def make_house(officer, house_data, villages):
    def make(village="玉泉村", actor=None, **extra):
        actor = actor or villages[village][2]
        return services.save_household(actor, house_data(village, **extra), photos=[jpeg()])
    return make


@pytest.fixture
def risk_point(town):
    def make(kind="geological", lat=SITE[0], lon=SITE[1], status=DisasterRiskPoint.Status.REGISTERED,
             town_name="旧县街道", name=None):
        owner = Organisation.objects.get(name=f"{town_name}应急办")
        place = Place.objects.create(name=name or f"风险点{next(_seq)}", kind=Place.Kind.RISK_POINT, owner=owner,
                                     region=town(town_name), latitude=lat, longitude=lon)
        return DisasterRiskPoint.objects.create(name=place.name, kind=kind, place=place, region=town(town_name),
                                                status=status)
    return make


@pytest.fixture
def plan():
    """Submit a relocation plan at `lat` (north of SITE) as `actor`."""
    def make(actor, house, metres=500.0, override="", mode="relocate"):
        return services.save_plan(actor, house.pk, {"mode": mode, "site_address": "玉泉村集中安置点",
                                                    "latitude": north(SITE[0], metres), "longitude": SITE[1],
                                                    "site_override": override})
    return make


@pytest.fixture
def region():
    return lambda name: Region.objects.get(name=name)


__all__ = ["SYSTEM", "jpeg", "north", "valid_id"]
