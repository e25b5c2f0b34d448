"""The subsidy standard in force and what a household receives under it.

Which version holds for a household: the versions of its district (the nearest region above the
village that has any) or, without one, the product default (region None); of those, the latest
`effective_from` not after the assessment date — the standard of the day the damage was assessed,
so a new version does not change the amounts of households already assessed.

The computation follows the sources in data/subsidy_standards.csv: 倒塌 and 严重损坏 rooms
together are rebuilt at so much a room, or a flat amount per household from a number of rooms
(「4间及以上的补助20000元」); 一般损坏 rooms are repaired at so much a room up to a cap per
household; a family in difficulty (models.HARDSHIP) receives the standard's supplement once. A
house that is not the family's only home receives nothing (the standards cover 「以居住为使用目的
唯一房屋」).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from anying.core.models import Region
from anying.core.scope import ancestor_paths

from .models import HARDSHIP, Standard

DATA = Path(__file__).resolve().parent / "data" / "subsidy_standards.csv"
FIGURES = ["rebuild_per_room", "rebuild_flat_from", "rebuild_flat_amount", "repair_per_room", "repair_max",
           "hardship_extra", "site_distance_m"]


def read_defaults() -> dict:
    with open(DATA, encoding="utf-8") as f:
        return {row["field"]: row for row in csv.DictReader(f)}


def load_defaults(model=Standard) -> Standard:
    """The product default (region None), each figure with its source. Used by migration 0002
    (with its historical model) and by the test fixture that restores reference data."""
    rows = read_defaults()
    values = {}
    for f in FIGURES:
        raw = rows[f]["value"]
        values[f] = int(raw) if f in ("rebuild_flat_from", "site_distance_m") else Decimal(raw)
    row, _ = model.objects.update_or_create(
        region=None, effective_from=dt.date.fromisoformat(rows["effective_from"]["value"]),
        defaults={**values, "sources": {f: r["source"] for f, r in rows.items()},
                  "unverified": [f for f, r in rows.items() if r["verified"] != "1"],
                  "note": "本系统默认标准：倒塌、严重损坏按綦江区公开的重庆市标准；一般损坏维修、困难家庭增加和选址距离为演示默认值，请区县核定后修改。"})
    return row


def in_force(region: Region, day: dt.date) -> Standard | None:
    """The version for a place on a day (see the module's docstring)."""
    paths = ancestor_paths(region.path)
    rows = list(Standard.objects.filter(effective_from__lte=day).filter(
        region__path__in=paths).select_related("region").order_by("-effective_from", "-id"))
    if rows:
        deepest = max(len(r.region.path) for r in rows)
        return next(r for r in rows if len(r.region.path) == deepest)
    return Standard.objects.filter(region=None, effective_from__lte=day).order_by("-effective_from", "-id").first()


@dataclass
class Subsidy:
    amount: Decimal
    rebuild: Decimal
    repair: Decimal
    extra: Decimal
    text: str  # how it was reached, for the page and the audit


ZERO = Decimal("0.00")


def compute(standard: Standard | None, *, collapsed: int, severe: int, general: int, situation: str,
            only_home: bool = True) -> Subsidy:
    if standard is None:
        return Subsidy(ZERO, ZERO, ZERO, ZERO, "没有适用的补助标准")
    if not only_home:
        return Subsidy(ZERO, ZERO, ZERO, ZERO, "非唯一住房，不纳入恢复重建补助范围")
    parts = []
    rooms = collapsed + severe
    rebuild = ZERO
    if rooms:
        if standard.rebuild_flat_from and standard.rebuild_flat_amount is not None and rooms >= standard.rebuild_flat_from:
            rebuild = standard.rebuild_flat_amount
            parts.append(f"倒塌、严重损坏 {rooms} 间（{standard.rebuild_flat_from}间及以上按户）{rebuild:,.0f} 元")
        else:
            rebuild = standard.rebuild_per_room * rooms
            parts.append(f"倒塌、严重损坏 {rooms} 间 × {standard.rebuild_per_room:,.0f} 元")
    repair = ZERO
    if general:
        repair = standard.repair_per_room * general
        capped = standard.repair_max is not None and repair > standard.repair_max
        if capped:
            repair = standard.repair_max
        parts.append(f"一般损坏 {general} 间 × {standard.repair_per_room:,.0f} 元" + (f"（每户最高 {repair:,.0f} 元）" if capped else ""))
    extra = standard.hardship_extra if (rooms or general) and situation in HARDSHIP and standard.hardship_extra else ZERO
    if extra:
        parts.append(f"困难家庭增加 {extra:,.0f} 元")
    amount = (rebuild + repair + extra).quantize(Decimal("0.01"))
    return Subsidy(amount, rebuild, repair, extra, "；".join(parts) or "无倒损房屋")


def for_household(house) -> tuple[Standard | None, Subsidy]:
    standard = in_force(house.village, house.assessed_on)
    return standard, compute(standard, collapsed=house.rooms_collapsed, severe=house.rooms_severe,
                             general=house.rooms_general, situation=house.situation, only_home=house.only_home)


def site_distance_m(region: Region, day: dt.date) -> int:
    standard = in_force(region, day)
    return standard.site_distance_m if standard else 100
