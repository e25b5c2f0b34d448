"""Reference data of warnings, loaded from the CSV files in data/ (each row cites its source):
the warning types and the hazard families they reach, the measures required per type and level,
and the 叫应 clock."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    families: frozenset[str]
    cap_category: str
    cap_event: str
    source: str


@cache
def kinds() -> dict[str, Kind]:
    with open(DATA / "kinds.csv", encoding="utf-8") as f:
        return {r["code"]: Kind(r["code"], r["label"], frozenset(r["families"].split(";")), r["cap_category"],
                                r["cap_event"], r["source"]) for r in csv.DictReader(f)}


def kind_choices() -> list[tuple[str, str]]:
    return [(k.code, k.label) for k in kinds().values()]


def kind_label(code: str) -> str:
    k = kinds().get(code)
    return k.label if k else code


def kind_by_label(text: str) -> str:
    """The type a free text names ("暴雨蓝色预警信号" → rainstorm), for CAP messages from outside."""
    found = [k for k in kinds().values() if k.code != "other" and k.label in text]
    return max(found, key=lambda k: len(k.label)).code if found else "other"


@dataclass(frozen=True)
class Measure:
    kind: str  # a type code or "*"
    min_level: str
    text: str
    daily: bool
    basis: str


@cache
def measures() -> list[Measure]:
    with open(DATA / "measures.csv", encoding="utf-8") as f:
        return [Measure(r["kind"], r["min_level"], r["text"], r["daily"] == "1", r["basis"]) for r in csv.DictReader(f)]


def measures_for(kind: str, level: str) -> list[Measure]:
    from .models import LEVEL_RANK

    return [m for m in measures() if m.kind in (kind, "*") and LEVEL_RANK[level] >= LEVEL_RANK[m.min_level]]


@cache
def industries() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    with open(DATA / "industries.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            out.setdefault(r["kind"], []).append(r["industry_code"])
    return out


@dataclass(frozen=True)
class Clock:
    """How long silence is waited out before each escalation step (minutes)."""
    second: int
    call: int
    superior: int
    source: str


@cache
def ack_clock() -> dict[str, Clock]:
    with open(DATA / "ack_clock.csv", encoding="utf-8") as f:
        return {r["level"]: Clock(int(r["second_after_minutes"]), int(r["call_after_minutes"]),
                                  int(r["superior_after_minutes"]), r["source"]) for r in csv.DictReader(f)}
