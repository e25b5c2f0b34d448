"""Fixtures of the risk point tests: contacts of the roster, points with households, warnings."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from anying.core.models import Organisation
from anying.core.permissions import SYSTEM
from anying.places.models import Place
from anying.riskpoints import services
from anying.warning.models import Contact, Warning

_seq = itertools.count(1)


@pytest.fixture
def contact(town):
    def make(town_name="旧县街道", role=Contact.Role.ADMIN_RESPONSIBLE, name=None, superior=None, phone=None):
        n = next(_seq)
        return Contact.objects.create(name=name or f"责任人{n}", phone=phone or f"1390000{n:04d}", region=town(town_name),
                                      role=role, families="flood,geological", superior=superior)
    return make


@pytest.fixture
def shelter(town):
    def make(town_name="旧县街道", capacity=100):
        owner = Organisation.objects.get(name=f"{town_name}应急办")
        return Place.objects.create(name=f"{town_name}避难场所", kind=Place.Kind.SHELTER, owner=owner,
                                    region=town(town_name), capacity=capacity, latitude=Decimal("29.8"),
                                    longitude=Decimal("106.0"))
    return make


@pytest.fixture
def make_point(town, contact, shelter):
    """A point with its three responsible persons, a monitor, an organiser, a plan and households."""
    def make(name="龙井村滑坡", town_name="旧县街道", kind="geological", households=3, lat="29.80", lon="106.00",
             trigger_level="orange", trigger_kinds="", capacity=100):
        boss = contact(town_name, Contact.Role.TOWN_OFFICIAL, name=f"{town_name}镇长")
        people = {f: contact(town_name, superior=boss) for f in ("admin_responsible", "dept_responsible",
                                                                 "keeper_responsible")}
        monitor = contact(town_name, Contact.Role.MONITOR)
        point = services.save_point(SYSTEM, {"name": name, "kind": kind, "region": town(town_name),
                                             "latitude": Decimal(lat), "longitude": Decimal(lon), "location": "后山",
                                             "potential_loss": Decimal("100"), **people, "monitors": [monitor]})
        services.save_plan(SYSTEM, point.pk, {"organiser": contact(town_name), "trigger_level": trigger_level,
                                              "trigger_kinds": trigger_kinds, "shelter": shelter(town_name, capacity)})
        for i in range(households):
            services.save_household(SYSTEM, point.pk, {"head": f"住户{i}", "people": 3, "elderly": 1 if i == 0 else 0,
                                                       "phone": "13800000000"})
        point.refresh_from_db()
        return point
    return make


@pytest.fixture
def make_warning(users):
    def make(kind="rainstorm", level="orange", regions=(), polygon=None, status=Warning.Status.ISSUED):
        now = timezone.now()
        w = Warning.objects.create(number=f"W{next(_seq)}", kind=kind, level=level, agency="区气象台",
                                   unit=users["admin"].unit, headline=f"暴雨{level}预警", description="预计有暴雨",
                                   onset=now, expires=now + dt.timedelta(hours=24), status=status, issued_at=now,
                                   polygon=polygon)
        w.regions.set(regions)
        return w
    return make
