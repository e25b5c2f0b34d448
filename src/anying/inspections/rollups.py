"""Inspection counts per region, industry and month for the dashboard, kept by the one service
that creates inspections (records.record) in its transaction; `rebuild` recounts after bulk
loads (bench generators) and in the migration that added the tally."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from anying.core import tallies
from anying.core.bulk import insert_rows

KEY = ("region_id", "industry_id", "month")


def count(inspection) -> None:
    month = inspection.inspected_on.replace(day=1)
    from .models import InspectionMonthTally

    tallies.increment(InspectionMonthTally, KEY, ("n", "findings"),
                      [(inspection.region_id, inspection.industry_id, month, 1, inspection.findings)])


def recount(inspections) -> dict:
    rows = inspections.objects.annotate(m=TruncMonth("inspected_on")).values("region_id", "industry_id", "m") \
        .annotate(n=Count("id"), f=Sum("findings")).order_by()
    return {(r["region_id"], r["industry_id"], r["m"].date() if hasattr(r["m"], "hour") else r["m"]):
            (r["n"], r["f"] or 0) for r in rows}


def stored(tally) -> dict:
    return {(r["region_id"], r["industry_id"], r["month"]): (r["n"], r["findings"])
            for r in tally.objects.filter(n__gt=0).values(*KEY, "n", "findings")}


def check() -> list[str]:
    from .models import Inspection, InspectionMonthTally

    want, have = recount(Inspection), stored(InspectionMonthTally)
    return [f"InspectionMonthTally{key}: 实际 {want.get(key)}，汇总 {have.get(key)}"
            for key in sorted(set(want) | set(have), key=str) if want.get(key) != have.get(key)]


@transaction.atomic
def rebuild(apps=None) -> int:
    if apps is None:
        from .models import Inspection, InspectionMonthTally
    else:
        Inspection = apps.get_model("inspections", "Inspection")  # noqa: N806 (a model class)
        InspectionMonthTally = apps.get_model("inspections", "InspectionMonthTally")  # noqa: N806
    counted = recount(Inspection)
    InspectionMonthTally.objects.all().delete()
    insert_rows(InspectionMonthTally, ["region", "industry", "month", "n", "findings"],
                [(*key, n, f) for key, (n, f) in counted.items()])
    return len(counted)
