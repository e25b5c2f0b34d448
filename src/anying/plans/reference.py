"""The reference rows of plans and drills, loaded from data/*.csv (with their sources) by
migration 0002, and again by the demo and tests when a transactional test flushed them.

Loading never overwrites a value the district changed on 依据与设置 (`Requirement.value` of a
configurable row): only the text columns are refreshed."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


@cache
def high_risk_industry_codes() -> frozenset[str]:
    """Industry codes of 条例708号第八条第二款's units (data/high_risk_industries.csv)."""
    return frozenset(r["industry_code"] for r in rows("high_risk_industries.csv"))


def load(HazardType, Requirement, CoverageRule, DrillQuota) -> None:  # noqa: N803 - (historical) model classes
    for r in rows("hazard_types.csv"):
        HazardType.objects.update_or_create(code=r["code"], defaults={
            "category": r["category"], "name": r["name"], "order": int(r["order"])})
    types = {t.code: t for t in HazardType.objects.all()}
    for r in rows("requirements.csv"):
        text = {k: r[k] for k in ("label", "applies_to", "unit", "kind", "source", "article", "quote", "tier")}
        text.update(verified=r["verified"] == "1", configurable=r["configurable"] == "1",
                    default_value=int(r["value"]))
        found = Requirement.objects.filter(code=r["code"]).first()
        if found is None:
            Requirement.objects.create(code=r["code"], value=int(r["value"]), **text)
        else:
            Requirement.objects.filter(pk=found.pk).update(**text)
    for r in rows("coverage.csv"):
        CoverageRule.objects.update_or_create(code=r["code"], defaults={
            "level": r["level"], "hazard_type": types[r["hazard_type"]], "label": r["label"], "source": r["source"],
            "quote": r["quote"], "verified": r["verified"] == "1"})
    for r in rows("drill_quotas.csv"):
        DrillQuota.objects.update_or_create(code=r["code"], defaults={
            "label": r["label"], "applies_to": r["applies_to"], "drill_kind": r["drill_kind"],
            "hazard_type": types.get(r["hazard_type"]), "hazard_category": r["hazard_category"],
            "evacuation": r["evacuation"] == "1", "count": int(r["count"]), "months": int(r["months"]),
            "source": r["source"], "article": r["article"], "quote": r["quote"], "tier": r["tier"],
            "verified": r["verified"] == "1"})


def ensure() -> None:
    """Put the rows back when a flushed test database lost them (the migration loaded them)."""
    from .models import CoverageRule, DrillQuota, HazardType, Requirement

    if not Requirement.objects.exists() or not HazardType.objects.exists():
        load(HazardType, Requirement, CoverageRule, DrillQuota)


def requirement(code: str):
    from .models import Requirement

    found = Requirement.objects.filter(code=code).first()
    if found is None:
        ensure()
        found = Requirement.objects.get(code=code)
    return found
