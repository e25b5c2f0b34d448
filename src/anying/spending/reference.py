"""The 《企业安全生产费用提取和使用管理办法》（财资〔2022〕136号）as data: the industry classes
and their 提取标准 (data/classes.csv, data/rates.csv), the 使用范围 categories
(data/categories.csv) and which class an enterprise of each supervised industry falls in by
default (data/industry_map.csv). Every row carries its source and a `verified` flag: the figures
typed from memory of the 2022 text are marked 0 and shown as “未核对” on the pages.

How the required amount is computed (`required`):
- brackets: 超额累退 — each slice of the base (上一年度营业收入, 万元 bounds) at its own rate;
- flat: one rate on the whole base (营业收入 or 工程造价);
- per_unit: 元 per unit of output (原矿产量, 吨)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
WAN = Decimal(10000)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Bracket:
    low: Decimal  # 元
    high: Decimal | None
    rate: Decimal  # percent, or 元 per unit


@dataclass(frozen=True)
class Class:
    key: str
    label: str
    basis: str  # 上一年度营业收入 / 工程造价 / 原矿产量
    unit: str  # 元 / 吨
    kind: str  # brackets / flat / per_unit
    article: str
    verified: bool
    source: str
    note: str
    brackets: tuple[Bracket, ...]

    def describe(self) -> str:
        """The rule in one line, as the pages and the export show it."""
        if self.kind == "per_unit":
            return f"按{self.basis}每{self.unit} {self.brackets[0].rate.normalize():f} 元"
        parts = []
        for b in self.brackets:
            low, high = b.low / WAN, (b.high / WAN if b.high is not None else None)
            span = f"{low.normalize():f}万元以上" if high is None else f"{low.normalize():f}–{high.normalize():f}万元"
            parts.append(f"{span} {b.rate.normalize():f}%")
        if self.kind == "flat":
            return f"按{self.basis} {self.brackets[0].rate.normalize():f}%"
        return f"按{self.basis}超额累退：" + "；".join(parts)


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    classes: tuple[str, ...] | None  # None: every class
    article: str
    verified: bool
    source: str


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


@cache
def classes() -> dict[str, Class]:
    rates: dict[str, list[Bracket]] = {}
    for r in _rows("rates.csv"):
        high = Decimal(r["to_wan"]) * WAN if r["to_wan"] else None
        rates.setdefault(r["class"], []).append(Bracket(Decimal(r["from_wan"]) * WAN, high, Decimal(r["rate"])))
    return {r["key"]: Class(r["key"], r["label"], r["basis"], r["unit"], r["rate_kind"], r["article"],
                            r["verified"] == "1", r["source"], r["note"], tuple(rates[r["key"]]))
            for r in _rows("classes.csv")}


@cache
def categories() -> dict[str, Category]:
    return {r["code"]: Category(r["code"], r["label"], None if r["classes"] == "*" else tuple(r["classes"].split()),
                                r["article"], r["verified"] == "1", r["source"])
            for r in _rows("categories.csv")}


def categories_for(class_key: str) -> list[Category]:
    return [c for c in categories().values() if c.classes is None or class_key in c.classes]


@cache
def industry_map() -> dict[str, str]:
    return {r["industry"]: r["class"] for r in _rows("industry_map.csv")}


def class_choices() -> list[tuple[str, str]]:
    return [(c.key, c.label) for c in classes().values()]


def default_class(industry) -> str:
    """The class of an enterprise's supervised industry, walking up the industry tree (机械 under
    工贸); "" when the 办法 does not cover it (商贸, 轻工 …)."""
    mapping = industry_map()
    node = industry
    while node is not None:
        if node.code in mapping:
            return mapping[node.code]
        node = node.parent
    return ""


def required(class_key: str, base: Decimal) -> Decimal:
    """The amount to set aside in a year for `base` (元, or 吨 for per_unit), in 元."""
    spec = classes()[class_key]
    if spec.kind == "per_unit":
        total = base * spec.brackets[0].rate
    elif spec.kind == "flat":
        total = base * spec.brackets[0].rate / 100
    else:
        total = Decimal(0)
        for b in spec.brackets:
            if base <= b.low:
                break
            top = base if b.high is None else min(base, b.high)
            total += (top - b.low) * b.rate / 100
    return total.quantize(CENT, ROUND_HALF_UP)
