"""Reference data of the risk points, from data/*.csv (each row cites its source): the threat
levels (险情 size by people threatened and potential loss), the kinds of point and the hazard
families whose warnings reach them, the patrol tiers and the rain-check deadlines."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True)
class ThreatLevel:
    level: str
    label: str
    people_min: int
    loss_min_wan: Decimal
    verified: bool
    source: str


@cache
def threat_levels() -> list[ThreatLevel]:
    """Smallest first."""
    return [ThreatLevel(r["level"], r["label"], int(r["people_min"]), Decimal(r["loss_min_wan"]),
                        r["verified"] == "yes", r["source"]) for r in _rows("threat_levels.csv")]


def threat_of(people: int, loss_wan) -> str:
    """The larger of the levels that the people threatened and the potential loss reach (either
    alone decides, 「或」 in the plan's wording)."""
    loss = Decimal(loss_wan or 0)
    found = threat_levels()[0].level
    for t in threat_levels():
        if people >= t.people_min or (t.loss_min_wan > 0 and loss >= t.loss_min_wan):
            found = t.level
    return found


@dataclass(frozen=True)
class PointKind:
    code: str
    label: str
    families: frozenset[str]
    source: str


@cache
def point_kinds() -> dict[str, PointKind]:
    return {r["code"]: PointKind(r["code"], r["label"], frozenset(r["families"].split(";")), r["source"])
            for r in _rows("point_kinds.csv")}


def kinds_of_family(families) -> list[str]:
    """The point kinds a warning of these families reaches (综合 reaches none by kind: a general
    warning goes to the named leaders, not to every point)."""
    families = set(families)
    return [k.code for k in point_kinds().values() if k.families & families]


@cache
def patrol_tiers() -> dict[str, dict]:
    return {r["code"]: r for r in _rows("patrol_tiers.csv")}


@cache
def rain_checks() -> dict[str, dict]:
    return {r["phase"]: {**r, "due_hours": int(r["due_hours"])} for r in _rows("rain_checks.csv")}
