"""The figures of GB 30871-2022 and GBZ 2.1 the permits obey, read from permits/data/*.csv:
the eight kinds and their levels (validity, number of approvals, who approves), when a gas
analysis is needed and how long before the start it may be taken, the re-analysis after an
interruption, the limits per substance, the safety-measure checklist. Each row carries its
clause and a `verified` flag (docs/permits.md lists what was not checked against the text)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


def _read(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _dec(value: str) -> Decimal | None:
    return Decimal(value) if value not in (None, "") else None


def _int(value: str) -> int | None:
    return int(value) if value not in (None, "") else None


@dataclass(frozen=True)
class Kind:
    code: str
    name: str
    short: str
    required_fields: tuple[str, ...]
    clause: str
    verified: bool


@dataclass(frozen=True)
class Level:
    kind: str
    code: str  # "" for a kind without levels
    name: str
    validity_hours: int
    approvals: int
    approver: str
    clause: str
    verified: bool
    note: str


@dataclass(frozen=True)
class GasRule:
    kind: str
    level: str  # "*" = every level of the kind
    required: bool
    groups: tuple[str, ...]  # substance groups each analysis must measure
    max_interval_min: int | None  # analysis → start (and → resume)
    interruption_min: int | None  # a pause longer than this needs a new analysis
    monitor_interval_min: int | None  # during the work, at least every … minutes
    clause: str
    verified: bool


@dataclass(frozen=True)
class Substance:
    code: str
    name: str
    group: str
    unit: str
    low: Decimal | None
    high: Decimal | None
    high_enriched: Decimal | None
    basis: str
    clause: str
    source: str
    verified: bool

    def limit_text(self, enriched: bool = False) -> str:
        high = self.high_enriched if enriched and self.high_enriched is not None else self.high
        if self.low is not None and high is not None:
            return f"{self.low}～{high} {self.unit}"
        return f"{'<' if self.code == 'lel' else '≤'} {high} {self.unit}"

    def passes(self, value: Decimal, enriched: bool = False) -> bool:
        high = self.high_enriched if enriched and self.high_enriched is not None else self.high
        if self.low is not None and value < self.low:
            return False
        if high is None:
            return True
        # the detector reading must stay below 10 %LEL; the volume fractions "not above" theirs
        return value < high if self.code == "lel" else value <= high


@dataclass(frozen=True)
class Measure:
    kind: str  # "*" = every kind
    code: str
    text: str
    clause: str


def _bool(value: str) -> bool:
    return str(value).strip().lower() == "true"


@cache
def kinds() -> dict[str, Kind]:
    return {r["kind"]: Kind(r["kind"], r["name"], r["short"], tuple(f for f in r["required_fields"].split("|") if f),
                            r["clause"], _bool(r["verified"]))
            for r in sorted(_read("kinds.csv"), key=lambda r: int(r["order"]))}


@cache
def levels() -> dict[tuple[str, str], Level]:
    return {(r["kind"], r["level"]): Level(r["kind"], r["level"], r["name"], int(r["validity_hours"]),
                                           int(r["approvals"]), r["approver"], r["clause"], _bool(r["verified"]),
                                           r["note"])
            for r in _read("levels.csv")}


@cache
def gas_rules() -> dict[tuple[str, str], GasRule]:
    return {(r["kind"], r["level"]): GasRule(r["kind"], r["level"], _bool(r["required"]),
                                             tuple(g for g in r["groups"].split("|") if g),
                                             _int(r["max_interval_min"]), _int(r["interruption_min"]),
                                             _int(r["monitor_interval_min"]), r["clause"], _bool(r["verified"]))
            for r in _read("gas_rules.csv")}


@cache
def substances() -> dict[str, Substance]:
    return {r["code"]: Substance(r["code"], r["name"], r["group"], r["unit"], _dec(r["min"]), _dec(r["max"]),
                                 _dec(r["max_enriched"]), r["basis"], r["clause"], r["source"], _bool(r["verified"]))
            for r in _read("substances.csv")}


@cache
def measures() -> list[Measure]:
    return [Measure(r["kind"], r["code"], r["text"], r["clause"]) for r in _read("measures.csv")]


def kind_choices() -> list[tuple[str, str]]:
    return [(k.code, k.name) for k in kinds().values()]


def level_choices(kind: str | None = None) -> list[tuple[str, str]]:
    return [(lv.code, lv.name) for (k, code), lv in levels().items() if code and (kind is None or k == kind)]


def levels_of(kind: str) -> list[Level]:
    return [lv for (k, _), lv in levels().items() if k == kind]


def level(kind: str, code: str) -> Level | None:
    return levels().get((kind, code or ""))


def gas_rule(kind: str, level_code: str) -> GasRule | None:
    rules = gas_rules()
    return rules.get((kind, level_code or "")) or rules.get((kind, "*"))


def measures_of(kind: str) -> list[Measure]:
    return [m for m in measures() if m.kind in ("*", kind)]


def unverified() -> list[str]:
    """Every figure not yet read in the standard's text, for docs/permits.md and the data page."""
    out = [f"{lv.name}：有效期 {lv.validity_hours} h，审批 {lv.approvals} 人（{lv.clause}）"
           for lv in levels().values() if not lv.verified]
    out += [f"{g.kind}/{g.level}：分析至作业开始 ≤{g.max_interval_min} min，中断 >{g.interruption_min} min 重新分析"
            f"（{g.clause}）" for g in gas_rules().values() if g.required and not g.verified]
    out += [f"{s.name}：{s.basis}（{s.source}）" for s in substances().values() if not s.verified]
    return out
