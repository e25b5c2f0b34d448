"""GB 18218-2018 危险化学品重大危险源辨识: identification and grading, in exact arithmetic.

A unit (生产单元 or 储存单元) is a major hazard installation when S = Σ qᵢ/Qᵢ ≥ 1 (one chemical:
q ≥ Q), q being the designed maximum quantity in tonnes and Q its critical quantity: 表1 for the 85
named chemicals, else 表2 by the chemical's hazard category. Its grade comes from
R = α · Σ βᵢ·qᵢ/Qᵢ: α from the people within 500 m outside the plant (表5), β from 表3 for the 14
toxic gases and from 表4 by hazard category otherwise; 一级 R ≥ 100, 二级 50 ≤ R < 100, 三级
10 ≤ R < 50, 四级 R < 10 (表6). Quotients are kept as fractions, so a result that lands exactly on a
boundary (S = 1, R = 10) is judged exactly; figures are shown rounded.

The standard does not say which β a 表1 chemical takes when it is not a 表3 gas: that needs the
chemical's hazard category. The product asks for the category on such a line (and takes it from
表2's symbols); a 表3 gas needs none. The tables are in data/ with their provenance.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError

DATA = Path(__file__).resolve().parent / "data"
GRADES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
# the largest designed quantity of one line: far above any real unit, and small enough that S and R of
# 200 lines stay within the stored figures (Q is at least 0.3 t, β at most 20, α at most 2)
MAX_TONNES = 100_000
MAX_LINES = 200


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True)
class Named:
    number: int
    name: str
    aliases: tuple[str, ...]
    cas: str
    critical: Decimal


@lru_cache
def table1() -> dict[int, Named]:
    out = {}
    for r in _rows("gb18218_table1.csv"):
        aliases = tuple(a.strip() for a in r["别名"].replace("；", ";").replace("、", ";").split(";") if a.strip())
        out[int(r["序号"])] = Named(int(r["序号"]), r["名称"].strip(), aliases, r["CAS"].strip(), Decimal(r["临界量_t"]))
    return out


@lru_cache
def table2() -> dict[str, tuple[str, str, Decimal]]:
    """symbol → (category, description, critical quantity)."""
    return {r["符号"]: (r["类别"], r["危险性分类及说明"], Decimal(r["临界量_t"])) for r in _rows("gb18218_table2.csv")}


@lru_cache
def table3() -> dict[str, Decimal]:
    return {r["名称"]: Decimal(r["beta"]) for r in _rows("gb18218_table3_beta_toxic_gas.csv")}


@lru_cache
def table3_rows() -> dict[int, str]:
    """表1 序号 → its 表3 name."""
    return {int(r["表1序号"]): r["表3名称"] for r in _rows("gb18218_table3_names.csv") if r["表1序号"]}


@lru_cache
def table4() -> dict[str, Decimal]:
    return {r["符号"]: Decimal(r["beta"]) for r in _rows("gb18218_table4_beta_category.csv")}


@lru_cache
def table5() -> list[tuple[int, int | None, Decimal]]:
    return sorted(((int(r["人数下限"]), int(r["人数上限"]) if r["人数上限"] else None, Decimal(r["alpha"]))
                   for r in _rows("gb18218_table5_alpha.csv")), reverse=True)


def alpha(people: int) -> Decimal:
    """表5: the people living within 500 m of the plant's boundary."""
    if people is None or people < 0:
        raise ValidationError({"people": "厂区边界外500m范围内常住人口须为不小于0的整数"})
    for low, high, value in table5():
        if people >= low and (high is None or people <= high):
            return value
    raise ValidationError({"people": "人数不在表5范围内"})


def find(chemical) -> Named | None:
    """A 表1 chemical by its 序号, name, alias or CAS number (a CAS shared by several rows, such as
    硝化纤维素's, does not name one: give the 序号)."""
    rows = table1()
    if isinstance(chemical, int) or (isinstance(chemical, str) and chemical.strip().isdigit()):
        return rows.get(int(chemical))
    text = (chemical or "").strip()
    if not text:
        return None
    for r in rows.values():
        if text == r.name or text in r.aliases:
            return r
    by_cas = [r for r in rows.values() if text and text in [c.split("(")[0].strip() for c in r.cas.replace("；", ";").split(";")]]
    return by_cas[0] if len(by_cas) == 1 else None


@dataclass
class Line:
    chemical: str
    quantity: Decimal  # q, tonnes (designed maximum)
    category: str = ""  # 表2 symbol: needed when the chemical is not in 表1, or not a 表3 gas
    named: Named | None = None
    critical: Decimal = Decimal(0)  # Q
    beta: Decimal = Decimal(0)
    beta_from: str = ""

    @property
    def ratio(self) -> Fraction:
        return Fraction(self.quantity) / Fraction(self.critical)


@dataclass
class Result:
    lines: list[Line]
    people: int
    alpha: Decimal
    s: Fraction
    r: Fraction
    is_major: bool
    grade: int | None  # 1..4 when major
    notes: list[str] = field(default_factory=list)

    @property
    def grade_label(self) -> str:
        return GRADES.get(self.grade, "") if self.grade else ""


def shown(value: Fraction, places: int = 4) -> Decimal:
    """A fraction as people read it: rounded half up to `places` decimals."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(1).scaleb(-places),
                                                                           rounding=ROUND_HALF_UP)


def grade_of(r: Fraction) -> int:
    if r >= 100:
        return 1
    if r >= 50:
        return 2
    if r >= 10:
        return 3
    return 4


def resolve(chemical, quantity, category: str = "", n: int = 1) -> Line:
    """One line: Q from 表1 or 表2, β from 表3 or 表4; errors name the line."""
    try:
        q = Decimal(str(quantity))
        if not q.is_finite() or q <= 0 or q > MAX_TONNES or q != q.quantize(Decimal("0.001")):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError({"lines": f"第{n}行：设计最大量须为大于0、不超过{MAX_TONNES}的吨数（最多三位小数）"}) from None
    category = (category or "").strip().upper()
    if category and category not in table2():
        raise ValidationError({"lines": f"第{n}行：危险性类别“{category}”不是表2的符号"})
    named = find(chemical)
    name = named.name if named else str(chemical or "").strip()
    if not name:
        raise ValidationError({"lines": f"第{n}行：请填写危险化学品"})
    line = Line(chemical=name, quantity=q, category=category, named=named)
    if named is not None:
        line.critical = named.critical
    elif category:
        line.critical = table2()[category][2]
    else:
        raise ValidationError({"lines": f"第{n}行：{name}不在表1中，请选择其危险性类别（表2）"})
    gas = table3_rows().get(named.number) if named else (name if name in table3() else None)
    if gas:
        line.beta, line.beta_from = table3()[gas], f"表3（{gas}）"
    elif category:
        line.beta, line.beta_from = table4()[category], f"表4（{category}）"
    else:
        raise ValidationError({"lines": f"第{n}行：{name}不是表3的毒性气体，请选择其危险性类别以确定校正系数β（表4）"})
    return line


def evaluate(lines: list[tuple], people: int) -> Result:
    """lines: (chemical, quantity in t, category symbol or ""). One unit's chemicals."""
    if not lines:
        raise ValidationError({"lines": "请至少填写一种危险化学品"})
    if len(lines) > MAX_LINES:
        raise ValidationError({"lines": f"一个单元最多 {MAX_LINES} 种危险化学品"})
    resolved = [resolve(*line[:3], n=n) if len(line) >= 3 else resolve(line[0], line[1], "", n=n)
                for n, line in enumerate(lines, start=1)]
    a = alpha(people)
    s = sum((x.ratio for x in resolved), Fraction(0))
    r = Fraction(a) * sum((Fraction(x.beta) * x.ratio for x in resolved), Fraction(0))
    major = s >= 1
    return Result(resolved, people, a, s, r, major, grade_of(r) if major else None)
