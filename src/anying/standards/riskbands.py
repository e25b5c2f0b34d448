"""Risk grading arithmetic: the LEC factor tables and the score bands of each method, read from
the cited files in data/ (lec_tables.csv, lec_d_bands.csv, ls_matrix_variants.csv), and the
one function that turns a score into a level with the configured bands.

A band is (level, lower bound, lower bound inclusive?); the level of a score is that of the most
severe band whose lower bound the score reaches. Bands are stored in `RiskBand` and edited by
the district admin (registry.risks.configure_bands); these functions also serve the data
migration, so they take plain values, not models."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .models import LEVEL_RANK, RiskLevel

DATA = Path(__file__).resolve().parent / "data"

LEC_DEFAULT = "variant_B_4color(code id 23160132924)"
LS_DEFAULT = "variant_B_qieqiesitan_default"
LS_VARIANT_A = "variant_A_zgmkw"
# (method, column of the file) → how the choice is shown to the admin
VARIANTS = {
    ("lec", LEC_DEFAULT): "作业条件危险性分析法（LEC）四色分级（默认）",
    ("ls", LS_DEFAULT): "风险矩阵法（LS）分级方案 B（默认）",
    ("ls", LS_VARIANT_A): "风险矩阵法（LS）分级方案 A",
}
# A band's `source` names the file and column it came from (kept for whoever checks the data);
# users read which method and which published variant it is.
SOURCE_LABELS = {
    f"lec_d_bands.csv {LEC_DEFAULT}": "作业条件危险性分析法（LEC）危险性分值分级，四色对应采用公开资料中的常用方案（国家无统一规定）",
    f"ls_matrix_variants.csv {LS_DEFAULT}": "风险矩阵法（LS）R = L × S 分级方案 B，采用公开资料中的常用方案（国家无统一规定）",
    f"ls_matrix_variants.csv {LS_VARIANT_A}": "风险矩阵法（LS）R = L × S 分级方案 A，采用公开资料中的常用方案（国家无统一规定）",
}


def source_label(source: str) -> str:
    """A band's source as users read it: the method and variant, not the file and column."""
    from anying.core.provenance import for_users

    return SOURCE_LABELS.get(source) or for_users(source)


@dataclass(frozen=True)
class Band:
    level: str
    lower: Decimal
    inclusive: bool
    source: str = ""

    def contains(self, score: Decimal) -> bool:
        return score >= self.lower if self.inclusive else score > self.lower

    @property
    def key(self) -> tuple[Decimal, int]:
        """Where the band starts: at equal bounds an inclusive band starts before an exclusive one."""
        return (self.lower, 0 if self.inclusive else 1)


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def lec_factor_rows() -> list[dict]:
    """[{factor, value (Decimal), description, sort}] in the file's order."""
    return [{"factor": r["factor"], "value": Decimal(r["value"]), "description": r["description_zh"], "sort": i}
            for i, r in enumerate(_rows("lec_tables.csv"))]


def level_of_label(label: str) -> str | None:
    """The four-colour level a file's label names (重大(红), 较大Ⅱ(橙), 一般, 低, 轻微Ⅳ(蓝))."""
    for word, level in (("重大", RiskLevel.MAJOR), ("较大", RiskLevel.LARGER), ("一般", RiskLevel.GENERAL),
                        ("轻微", RiskLevel.LOW), ("低", RiskLevel.LOW)):
        if word in label:
            return level
    return None


RANGE = re.compile(r"^(?:(?P<lo>[\d.]+)(?P<lo_op><=|<))?D(?:(?P<op>>=|>|<=|<)(?P<value>[\d.]+))?$")


def _parse_range(text: str) -> tuple[Decimal, bool, Decimal | None, bool]:
    """'160<D<=320' → (lower, lower inclusive, upper or None, upper inclusive)."""
    match = RANGE.match(text.replace(" ", ""))
    if not match:
        raise ValueError(f"unreadable D range {text!r}")
    lower, lower_inc, upper, upper_inc = Decimal(0), True, None, False
    if match["lo"]:
        lower, lower_inc = Decimal(match["lo"]), match["lo_op"] == "<="
    if match["op"] in (">", ">="):
        lower, lower_inc = Decimal(match["value"]), match["op"] == ">="
    elif match["op"] in ("<", "<="):
        upper, upper_inc = Decimal(match["value"]), match["op"] == "<="
    return lower, lower_inc, upper, upper_inc


def lec_bands(column: str = LEC_DEFAULT) -> list[Band]:
    """The D bands of one column of lec_d_bands.csv, one per level.

    The file's default column writes "20<D<=70" for 一般 and "D<20" for 低, so D = 20 (which is
    achievable: L 0.5 × E 1 × C 40; see docs/risk-grading.md)
    falls in neither. A value both neighbours leave out goes to the higher band: the classic
    LEC table writes 一般危险 as "20～70", and grading towards the higher level is the safe side."""
    source = f"lec_d_bands.csv {column}"
    ranges = []
    for row in _rows("lec_d_bands.csv"):
        level = level_of_label(row[column])
        if level is None:
            raise ValueError(f"{column}: label {row[column]!r} names no four-colour level")
        ranges.append((level, *_parse_range(row["D_range"])))
    ranges.sort(key=lambda r: (r[1], not r[2]))
    closed = []
    for i, (level, lower, lower_inc, _upper, _upper_inc) in enumerate(ranges):
        if i and not lower_inc:
            below = ranges[i - 1]
            if below[3] == lower and not below[4]:
                lower_inc = True  # the gap point: see above
        closed.append(Band(level, lower, lower_inc, source))
    return _one_per_level(closed)


def ls_bands(column: str = LS_DEFAULT) -> list[Band]:
    """The R = L × S bands of one column of ls_matrix_variants.csv: each level from the
    smallest product the column gives it (products are whole numbers, so inclusive)."""
    source = f"ls_matrix_variants.csv {column}"
    bands = [Band(level_of_label(row[column]), Decimal(row["R=L*S"]), True, source)
             for row in _rows("ls_matrix_variants.csv")]
    return _one_per_level(bands)


def _one_per_level(bands: list[Band]) -> list[Band]:
    first: dict[str, Band] = {}
    for band in sorted(bands, key=lambda b: b.key):
        first.setdefault(band.level, band)
    result = sorted(first.values(), key=lambda b: b.key)
    # the lowest level takes everything below the next one, down to 0
    result[0] = Band(result[0].level, Decimal(0), True, result[0].source)
    return result


def default_bands(method: str, column: str | None = None) -> list[Band]:
    if method == "lec":
        return lec_bands(column or LEC_DEFAULT)
    return ls_bands(column or LS_DEFAULT)


def problems(bands: list[Band]) -> list[str]:
    """Why a set of bands cannot be used (Chinese, for the admin), or [] when it can: one band
    per level, the 低风险 band from 0, and each more severe level starting strictly higher."""
    errors = []
    levels = [b.level for b in bands]
    if sorted(levels, key=LEVEL_RANK.get) != sorted(LEVEL_RANK, key=LEVEL_RANK.get):
        return ["须为重大、较大、一般、低四个等级各设一个阈值"]
    ordered = sorted(bands, key=lambda b: LEVEL_RANK[b.level])
    if ordered[0].lower != 0 or not ordered[0].inclusive:
        errors.append("低风险的下限须为 0（含）")
    for lower, upper in zip(ordered, ordered[1:], strict=False):
        if upper.lower < 0:
            errors.append(f"{RiskLevel(upper.level).label}的下限不能为负")
        elif upper.key <= lower.key:
            errors.append(f"{RiskLevel(upper.level).label}的下限须高于{RiskLevel(lower.level).label}的下限")
    return errors


def grade(score: Decimal, bands: list[Band]) -> str:
    """The level of a score: the most severe band it reaches."""
    for band in sorted(bands, key=lambda b: b.key, reverse=True):
        if band.contains(score):
            return band.level
    return RiskLevel.LOW  # unreachable with valid bands (低 starts at 0); a score is never negative


def load_defaults(RiskFactor, RiskBand) -> None:
    """For the data migration (historical models) and the tests' reference data; idempotent."""
    for row in lec_factor_rows():
        RiskFactor.objects.update_or_create(factor=row["factor"], value=row["value"],
                                            defaults={"description": row["description"], "sort": row["sort"]})
    for method in ("lec", "ls"):
        for band in default_bands(method):
            RiskBand.objects.update_or_create(method=method, level=band.level, defaults={
                "lower": band.lower, "lower_inclusive": band.inclusive, "source": band.source})


def describe(bands: list[Band], symbol: str) -> list[tuple[str, str]]:
    """(level, range) per band, most severe first, as people write them: "20≤D≤70"."""
    ordered = sorted(bands, key=lambda b: b.key)
    result = []
    for i, band in enumerate(ordered):
        low = "" if band.lower == 0 and band.inclusive else \
            f"{format(band.lower.normalize(), 'f')}{'≤' if band.inclusive else '<'}"
        upper = ordered[i + 1] if i + 1 < len(ordered) else None
        high = f"{'<' if upper.inclusive else '≤'}{format(upper.lower.normalize(), 'f')}" if upper else ""
        if low and not high:
            text = f"{symbol}{'≥' if band.inclusive else '>'}{format(band.lower.normalize(), 'f')}"
        else:
            text = f"{low}{symbol}{high}"
        result.append((band.level, text))
    return list(reversed(result))
