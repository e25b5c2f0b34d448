"""Demo installations (`anying demo`): two enterprises that use hazardous chemicals get their units
with real chemicals and designed maximum quantities — one a major hazard installation (液氨 cold
store), one a tank farm below the critical quantities, one oil-and-gas store missing two of its
four systems — so the register, the grades and the map layer show real figures. (Sensors, readings
and alarms come with the rest of issue #16.)"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from anying.core.permissions import SYSTEM

from . import services
from .models import Installation

UNITS = [
    # (name, kind, people within 500 m, commissioned, chemicals, oil/gas storage and its systems)
    ("液氨制冷机房", "production", 60, dt.date(2004, 6, 1), [("液氨", "12", "")], None),
    ("甲醇储罐区", "storage", 20, dt.date(2015, 3, 1), [("甲醇", "300", "W5.3"), ("乙醇", "120", "W5.3")], None),
    ("液化石油气储罐", "storage", 150, dt.date(2012, 9, 1), [("52", "60", "W2")],  # 表1 序号52 液化石油气
     {"has_gas_detection": True, "has_video": True}),
]


def load(rng) -> None:
    if Installation.objects.filter(is_demo=True).exists():
        return
    from anying.registry.models import Enterprise

    users = list(Enterprise.objects.filter(is_demo=True, tags__code="hazchem_use").order_by("id")[:2])
    if len(users) < 2:
        return
    plan = [(users[0], UNITS[0]), (users[0], UNITS[1]), (users[1], UNITS[2])]
    for ent, (name, kind, people, since, chemicals, systems) in plan:
        data = {"name": name, "kind": kind, "people_within_500m": people, "commissioned_on": since,
                "filed_on": since + dt.timedelta(days=200), "filing_number": f"渝铜危源备〔{since.year}〕{rng.randint(1, 40)}号",
                "assessed_on": dt.date(2024, rng.randint(1, 12), 1),
                "latitude": (ent.latitude or Decimal("29.80")) + Decimal("0.0008"),
                "longitude": (ent.longitude or Decimal("106.05")) + Decimal("0.0008")}
        if systems is not None:
            data.update({"oil_gas_storage": True, **systems})
        services.save_installation(SYSTEM, ent.pk, data, chemicals, is_demo=True)
