"""Which items of a 判定标准 apply to an enterprise (data/criteria_applicability.csv).

Each article of the 工贸 standard opens by naming whom it covers (“机械企业有下列情形之一的”,
“存在粉尘爆炸危险的工贸企业……”): a sector article applies to enterprises of that industry, a
special article to enterprises with the matching risk tag, 通用 to all. A checklist built from the
standard holds all 64 items; an inspection of a machinery firm must not certify 高炉 items.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from anying.core.scope import ancestor_paths

DATA = Path(__file__).resolve().parent / "data" / "criteria_applicability.csv"


@dataclass(frozen=True)
class Rule:
    industries: frozenset[str]  # industry codes; empty = no industry condition
    tags: frozenset[str]  # risk tag codes; empty = no tag condition


def _codes(text: str) -> frozenset[str]:
    return frozenset(c.strip() for c in (text or "").split(";") if c.strip())


@cache
def rules() -> dict[tuple[str, str], Rule]:
    """(criteria set code, category) → Rule."""
    with DATA.open(encoding="utf-8") as f:
        return {(row["criteria_set"], row["category"]): Rule(_codes(row["industries"]), _codes(row["tags"]))
                for row in csv.DictReader(f)}


@dataclass(frozen=True)
class Profile:
    """What decides applicability about one enterprise: the codes of its industry and the
    industries above it, the codes of the industries below it, and its risk tags."""

    industry_line: frozenset[str]  # its industry and every ancestor
    industry_below: frozenset[str]  # industries under it (an enterprise filed only as 工贸)
    tags: frozenset[str]


def profile(enterprise) -> Profile:
    from anying.core.models import Industry

    path = enterprise.industry.path
    line = Industry.objects.filter(path__in=ancestor_paths(path)).values_list("code", flat=True)
    below = Industry.objects.filter(path__startswith=path).exclude(path=path).values_list("code", flat=True)
    return Profile(frozenset(line), frozenset(below), frozenset(enterprise.tags.values_list("code", flat=True)))


def applies(criterion, who: Profile) -> bool:
    """A criterion (or None: a custom item) applies to the enterprise described by `who`. A sector
    article applies when the enterprise's industry is that sector or within it — or is only
    filed under a broader industry (工贸), when the inspector must judge each (不涉及 exists)."""
    if criterion is None:
        return True
    rule = rules().get((criterion.criteria_set.code, criterion.category))
    if rule is None:
        return True
    if rule.tags and not rule.tags & who.tags:
        return False
    if rule.industries and not rule.industries & (who.industry_line | who.industry_below):
        return False
    return True
