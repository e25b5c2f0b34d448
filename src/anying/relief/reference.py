"""Reference figures of relief, from data/rules.csv (each row cites its source, and says whether
the figure was checked against the text): the default 公示 days of a round and the "five haves"
target."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Rule:
    key: str
    value: Decimal
    label: str
    verified: bool
    source: str


@cache
def rules() -> dict[str, Rule]:
    with open(DATA / "rules.csv", encoding="utf-8") as f:
        return {r["key"]: Rule(r["key"], Decimal(r["value"]), r["label"], r["verified"] == "yes", r["source"])
                for r in csv.DictReader(f)}


def notice_days() -> int:
    return int(rules()["notice_days"].value)


def five_haves_target() -> Decimal:
    """In percent (100)."""
    return rules()["five_haves_target"].value
