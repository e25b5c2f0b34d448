"""Demo supplies for 铜梁区, posted through the services so the ledger is real: the district
reserve (区应急局, shared with the towns for dispatch), an agreement reserve held by a supplier
(协议储备), and a warehouse in every town with flood, fire, rescue and relief stock. Some lots
are near expiry, some items below their 储备基数, and one 调拨 from the district to 旧县街道 went
the whole way (request, approval, dispatch, receipt) while another waits for approval."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anying.core.models import Organisation, Region
from anying.core.permissions import SYSTEM

from . import round_demo, services, transfers
from .models import Item, StockDocument, Warehouse

CENTRE = (Decimal("29.839"), Decimal("106.056"))  # 铜梁城区

# item code → (quantity at the district reserve, its 储备基数, months to expiry or None)
DISTRICT = {"FH-001": (20000, 15000, None), "FH-002": (300, 200, None), "FH-003": (800, 600, 40),
            "FH-004": (300, 200, None), "FH-005": (6, 6, None), "FH-006": (10, 8, None), "FH-007": (24, 20, None),
            "FH-008": (5000, 4000, None), "FH-009": (200, 100, None), "SL-001": (60, 50, None),
            "SL-002": (40, 40, None), "SL-003": (12, 10, None), "SL-004": (150, 100, None), "SL-005": (500, 300, None),
            "DZ-001": (4, 4, None), "DZ-002": (2, 2, None), "DZ-003": (20, 15, None), "DZ-004": (10, 8, None),
            "JY-001": (80, 60, None), "JY-003": (300, 200, 20), "JY-004": (40, 30, None),
            "SH-001": (400, 500, None), "SH-002": (600, 500, None), "SH-003": (1200, 1000, None),
            "SH-005": (800, 500, 1), "SH-006": (400, 300, 5)}
TOWN = {"FH-001": (2000, 1500), "FH-003": (100, 100), "FH-004": (30, 20), "FH-007": (2, 2), "FH-011": (50, 30),
        "SL-001": (6, 6), "SL-005": (60, 50), "JY-003": (30, 20), "SH-003": (80, 100), "SH-005": (60, 40)}
AGREEMENT = {"SH-005": 3000, "SH-006": 2000, "SH-007": 1000, "SH-003": 2000, "SH-004": 2000}


def _months(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=30 * n)


def _warehouse(name, owner, region, level, rng, *, mode=Warehouse.Mode.PHYSICAL, supplier="", dispatchable=False,
               address="", keeper="") -> Warehouse:
    lat = CENTRE[0] + Decimal(f"{(rng.random() - 0.5) * 0.3:.6f}")
    lon = CENTRE[1] + Decimal(f"{(rng.random() - 0.5) * 0.3:.6f}")
    wh = Warehouse(name=name, owner=owner, level=level, mode=mode, supplier=supplier, keeper=keeper or "保管员",
                   keeper_phone=f"023-4567{rng.randint(1000, 9999)}",
                   agreement_no="TLYJ-XY-2026-01" if mode == Warehouse.Mode.AGREEMENT else "",
                   agreement_until=_months(14) if mode == Warehouse.Mode.AGREEMENT else None)
    return services.save_warehouse(SYSTEM, wh, place={"region": region, "address": address or f"{region.name}",
                                                      "latitude": lat, "longitude": lon, "dispatchable": dispatchable})


def _receive(wh: Warehouse, items: dict, lines: list[dict], supplier: str) -> None:
    services.create_and_post(SYSTEM, kind=StockDocument.Kind.RECEIPT, warehouse=wh, counterparty=supplier,
                             note="期初库存（演示数据）", lines=lines)


@transaction.atomic
def load(rng) -> None:
    if Warehouse.objects.exists():
        return
    items = {i.code: i for i in Item.objects.all()}
    if not items:
        return
    district = Region.objects.filter(level=Region.Level.DISTRICT, name="铜梁区").first()
    bureau = Organisation.objects.filter(name="区应急局").first()
    if district is None or bureau is None:
        return
    main = _warehouse("铜梁区应急物资储备库", bureau, district, Warehouse.Level.DISTRICT, rng, dispatchable=True,
                      address="铜梁区东城街道应急物资储备库", keeper="黄保管")
    lines = []
    for code, (qty, _minimum, months) in DISTRICT.items():
        if months is not None and code in ("SH-005", "JY-003", "FH-003"):
            # two lots: an older one near expiry and a newer one, so FEFO has a choice
            lines.append({"item": items[code], "quantity": qty // 4, "batch": "2024-01", "expiry_date": _months(months),
                          "production_date": _months(months) - dt.timedelta(days=items[code].shelf_life_days or 365)})
            lines.append({"item": items[code], "quantity": qty - qty // 4, "batch": "2026-03",
                          "expiry_date": _months(months + 12)})
        else:
            lines.append({"item": items[code], "quantity": qty, "batch": "2025-06",
                          "expiry_date": _months(months) if months else None})
    _receive(main, items, lines, "区级财政采购")
    for code, (_qty, minimum, _m) in DISTRICT.items():
        services.set_minimum(SYSTEM, main, items[code], minimum)
    agreement = _warehouse("协议储备·铜梁区某商贸公司生活物资", bureau, district, Warehouse.Level.DISTRICT, rng,
                           mode=Warehouse.Mode.AGREEMENT, supplier="铜梁区某商贸有限公司", dispatchable=True)
    _receive(agreement, items, [{"item": items[c], "quantity": q, "batch": "XY-2026", "owner": "铜梁区某商贸有限公司",
                                 "expiry_date": _months(10) if items[c].shelf_life_days else None}
                                for c, q in AGREEMENT.items()], "协议储备企业")
    offices = Organisation.objects.filter(kind=Organisation.Kind.TOWN_OFFICE, region__parent=district,
                                          is_active=True).select_related("region").order_by("region__path")
    town_stores = {}
    for n, office in enumerate(offices):
        wh = _warehouse(f"{office.region.name}应急物资仓库", office, office.region, Warehouse.Level.TOWN, rng,
                        address=f"{office.region.name}人民政府院内")
        town_stores[office.region.name] = wh
        lines = []
        for code, (qty, _minimum) in TOWN.items():
            short = n % 4 == 1 and code in ("FH-001", "FH-003")  # every fourth town is short of flood stock
            life = items[code].shelf_life_days
            lines.append({"item": items[code], "quantity": qty // 3 if short else qty, "batch": "2025",
                          "expiry_date": (_months(1) if n % 3 == 0 else _months(9)) if life else None})
        _receive(wh, items, lines, "镇街自购")
        for code, (_qty, minimum) in TOWN.items():
            services.set_minimum(SYSTEM, wh, items[code], minimum)
    jiuxian = town_stores.get("旧县街道")
    if jiuxian is not None:
        t = transfers.request(SYSTEM, from_warehouse=main, to_warehouse=jiuxian, purpose="旧县街道涪江沿线防汛抢险",
                              lines=[{"item": items["FH-001"], "quantity": 3000}, {"item": items["FH-008"], "quantity": 500}])
        for step in ("approve", "dispatch", "receive"):
            transfers.act(SYSTEM, t.pk, step)
    hufeng = town_stores.get("虎峰镇")
    if hufeng is not None:
        transfers.request(SYSTEM, from_warehouse=main, to_warehouse=hufeng, purpose="虎峰镇汛前预置救生衣",
                          lines=[{"item": items["FH-003"], "quantity": 100}])
    round_demo.load(rng)  # five weeks of 日周月检查, some towns behind
