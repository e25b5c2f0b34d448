"""The figures of forest fire prevention, each from a CSV under data/ with its source:
the five danger levels (QX/T 77-2007), the rules (seed 001 thresholds and the district's own
defaults), the fire classes (森林防火条例 第四十条) and the penalty references."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True)
class DangerLevel:
    level: int
    name: str
    burning: str
    colour: str
    hex: str
    flag: str
    source: str

    @property
    def label(self) -> str:
        return f"{self.level}级 {self.name}"

    @property
    def dark_text(self) -> bool:  # yellow needs dark text
        return self.level == 3


@cache
def levels() -> dict[int, DangerLevel]:
    return {int(r["level"]): DangerLevel(int(r["level"]), r["name"], r["burning"], r["colour"], r["hex"], r["flag"],
                                         r["source"]) for r in _rows("danger_levels.csv")}


def level(n: int | None) -> DangerLevel | None:
    return levels().get(n) if n else None


@cache
def rules() -> dict[str, Decimal]:
    return {r["key"]: Decimal(r["value"]) for r in _rows("rules.csv")}


def rule(key: str) -> int:
    return int(rules()[key])


def checkpoint_level() -> int:
    return rule("checkpoint_level")


def burnt_rate_target() -> Decimal:
    """Per mille (‰)."""
    return rules()["burnt_rate_permille"]


@dataclass(frozen=True)
class FireClass:
    grade: str
    label: str
    min_ha: Decimal
    deaths_min: int
    injuries_min: int
    regulation: str
    article: str


@cache
def fire_classes() -> list[FireClass]:
    """The classes in force, lowest first."""
    return [FireClass(r["grade"], r["label"], Decimal(r["min_ha"]), int(r["deaths_min"]), int(r["injuries_min"]),
                      r["regulation"], r["article"])
            for r in _rows("fire_classes.csv") if r["in_force"] == "yes"]


def classify(burnt_ha: Decimal | None, deaths: int = 0, injuries: int = 0) -> str:
    """The class by the burnt forest area, deaths or serious injuries, whichever is higher
    (第四十条: “以上”包括本数，“以下”不包括本数; any fire on forest land is at least 一般)."""
    found = fire_classes()[0].grade
    area = burnt_ha or 0
    for c in fire_classes():
        if area >= c.min_ha or deaths >= c.deaths_min or injuries >= c.injuries_min:
            found = c.grade
    return found


def grade_label(grade: str) -> str:
    return next((c.label for c in fire_classes() if c.grade == grade), "")


def grade_basis() -> str:
    c = fire_classes()[0]
    return f"{c.regulation}{c.article}"


@dataclass(frozen=True)
class Penalty:
    code: str
    label: str
    reference: str


@cache
def penalties() -> dict[str, Penalty]:
    return {r["code"]: Penalty(r["code"], r["label"], r["reference"]) for r in _rows("penalties.csv")}


PURPOSES = [("work", "生产作业（种植、采集、放牧）"), ("visit", "旅游观光、徒步"), ("worship", "祭祀扫墓"),
            ("home", "回家、走亲访友"), ("official", "公务、巡护"), ("other", "其他")]
FIRE_SOURCES = [("none", "未携带火种"), ("lighter", "打火机、火柴（已交检查站保管）"), ("incense", "香烛、纸钱、鞭炮"),
                ("other", "其他火种")]
FIRE_USE_KINDS = ["烧荒", "炼山", "烧田埂（秸秆）", "祭祀用火", "野炊", "生产性用火（烧炭等）", "其他"]
