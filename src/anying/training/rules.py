"""The minimums and targets of the training archive, read from data/*.csv (each row with its
source, clause and whether its text was read): hours per audience and industry group
(令第3号 第九条、第十三条), the high-risk industries, the coverage and pass-rate targets per
industry (seed 002)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


@dataclass(frozen=True)
class Hours:
    audience: str  # leader / worker
    group: str  # general / high_risk
    initial: Decimal
    annual: Decimal
    source: str
    clause: str
    verified: bool


@dataclass(frozen=True)
class Target:
    industry_code: str
    coverage_pct: int
    pass_pct: int
    from_year: int
    source: str
    clause: str
    verified: bool


@cache
def hours_table() -> dict[tuple[str, str], Hours]:
    return {(r["audience"], r["group"]): Hours(r["audience"], r["group"], Decimal(r["initial"]), Decimal(r["annual"]),
                                                r["source"], r["clause"], r["verified"] == "true")
            for r in _rows("hours.csv")}


@cache
def high_risk_codes() -> frozenset[str]:
    return frozenset(r["industry_code"] for r in _rows("high_risk_industries.csv"))


@cache
def targets() -> dict[str, Target]:
    return {r["industry_code"]: Target(r["industry_code"], int(r["coverage_pct"]), int(r["pass_pct"]),
                                       int(r["from_year"]), r["source"], r["clause"], r["verified"] == "true")
            for r in _rows("coverage_targets.csv")}


def group_of(industry_path_codes) -> str:
    """high_risk when the enterprise's industry (or one above it) is listed."""
    return "high_risk" if set(industry_path_codes) & high_risk_codes() else "general"


def minimum(leader: bool, group: str, initial: bool) -> Hours:
    return hours_table()[("leader" if leader else "worker", group)]


def required(leader: bool, group: str, initial: bool) -> Decimal:
    row = minimum(leader, group, initial)
    return row.initial if initial else row.annual


def target_for(industry_codes, year: int) -> Target | None:
    """The target of the industry (or the nearest one above it) in force in `year`."""
    for code in industry_codes:
        t = targets().get(code)
        if t is not None and year >= t.from_year:
            return t
    return None
