"""Bulk-insert benchmark inspections and penalties over the enterprises generate.py made:

    ANYING_DATABASE_URL=postgres://…/anying_bench .venv/bin/python bench/generate_inspections.py -n 1000000

Inspections are spread over the last 24 months and over the district's town offices and
departments (each inspection by the unit of the enterprise's town, or by a department that
supervises its industry), with 0–5 findings; one in twenty gets a decided fine of 1,000–50,000 元.
They are marked `is_demo=False` and `created_by=None`; `--reset` deletes every inspection and
penalty without documents or results (the benchmark's) first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from decimal import Decimal

from django.utils import timezone

import common

BATCH = 5000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=1_000_000)
    parser.add_argument("--reset", action="store_true")
    args = parser.parse_args()
    common.setup()
    from django.db import transaction

    from anying.core.models import Organisation
    from anying.inspections.models import Inspection, Penalty
    from anying.registry.models import Enterprise

    if args.reset:
        Penalty.objects.filter(documents__isnull=True, created_by__isnull=True).delete()
        Inspection.objects.filter(results__isnull=True, documents__isnull=True, created_by__isnull=True).delete()
    rng = random.Random(11)
    towns = dict(Organisation.objects.filter(kind=Organisation.Kind.TOWN_OFFICE).values_list("region_id", "pk"))
    departments = list(Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT).values_list("pk", flat=True))
    enterprises = list(Enterprise.objects.values_list("pk", "region_id", "industry_id", "organisation_id"))
    today = timezone.localdate()
    started, made = time.perf_counter(), 0
    while made < args.n:
        size = min(BATCH, args.n - made)
        with transaction.atomic():
            rows = []
            for _ in range(size):
                pk, region, industry, org = rng.choice(enterprises)
                unit = towns.get(region) if rng.random() < 0.6 and region in towns else rng.choice(departments)
                rows.append(Inspection(enterprise_id=pk, region_id=region, industry_id=industry, organisation_id=org,
                                       unit_id=unit, inspected_on=today - dt.timedelta(days=rng.randint(0, 730)),
                                       findings=rng.choice([0, 0, 1, 1, 2, 3, 5]), status="cleared"))
            Inspection.objects.bulk_create(rows, batch_size=BATCH)
            Penalty.objects.bulk_create([
                Penalty(enterprise_id=i.enterprise_id, region_id=i.region_id, industry_id=i.industry_id,
                        organisation_id=i.organisation_id, unit_id=i.unit_id, party_name="bench", facts="bench",
                        evidence="bench", violated="bench", legal_basis="bench",
                        amount=Decimal(rng.randint(1, 50) * 1000), status="decided", filed_on=i.inspected_on,
                        decide_by=i.inspected_on + dt.timedelta(days=90),
                        decided_on=i.inspected_on + dt.timedelta(days=rng.randint(5, 40)))
                for i in rows if rng.random() < 0.05], batch_size=BATCH)
        made += size
        if made % 100_000 == 0:
            print(f"{made:>10,} inspections", flush=True)
    print(f"generated {made:,} inspections in {time.perf_counter() - started:.0f} s")
    # inserted past records.record, so the dashboard's monthly tallies are recounted once
    from anying.inspections import rollups

    started = time.perf_counter()
    print(f"inspection tallies rebuilt: {rollups.rebuild():,} rows in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
