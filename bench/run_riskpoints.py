"""Measure what a red rainstorm warning over the whole district asks of the risk points (issue #17):

- the recipient source: the three responsible persons, a monitor and the evacuation organiser of
  every point in the area (5,000 points → 25,000 specs), as the warning app's delivery reads them;
- ON_ISSUE: the evacuations opened (one per point whose trigger the warning meets) and the rain
  checks (three per point), in bulk — rolled back after each run;
- the 值班台 panel and the evacuation list with 5,000 evacuations open.

The district comes from the core demo (`anying demo` or this script's own load); the 5,000 points
(name prefix "bench-") with their contacts, plans and five households each are made once.

    ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_bench .venv/bin/python bench/run_riskpoints.py
    ANYING_DATA_DIR=/tmp/bench-sqlite .venv/bin/python bench/run_riskpoints.py

Prints Markdown and writes bench/out/riskpoints-<db>-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import datetime, timedelta
from decimal import Decimal

import common

BOX = {"lat": (29.70, 30.05), "lon": (105.80, 106.15)}


def district():
    from anying.core import demo as core_demo
    from anying.core.models import Region

    core_demo.load(random.Random(1))
    return Region.objects.get(name="铜梁区", level=Region.Level.DISTRICT)


def points(n: int) -> int:
    from anying.core.models import Organisation, Region
    from anying.places.models import Place
    from anying.riskpoints.models import DisasterRiskPoint, EvacuationPlan, Household
    from anying.warning.models import Contact

    have = DisasterRiskPoint.objects.filter(name__startswith="bench-").count()
    if have >= n:
        return have
    towns = list(Region.objects.filter(level=Region.Level.TOWN))
    owner = Organisation.objects.get(name="区应急局")
    rng = random.Random(2026)
    for start in range(have, n, 1000):
        size = min(1000, n - start)
        picked = [towns[(start + i) % len(towns)] for i in range(size)]
        places = Place.objects.bulk_create([
            Place(name=f"bench-点{start + i}", kind=Place.Kind.RISK_POINT, owner=owner, region=t,
                  latitude=Decimal(f"{rng.uniform(*BOX['lat']):.6f}"), longitude=Decimal(f"{rng.uniform(*BOX['lon']):.6f}"))
            for i, t in enumerate(picked)])
        contacts = Contact.objects.bulk_create([
            Contact(name=f"bench-{start + i}-{r}", phone=f"17{start + i:05d}{r:04d}", region=t, role="other",
                    families="flood,geological") for i, t in enumerate(picked) for r in range(5)])
        rows = DisasterRiskPoint.objects.bulk_create([
            DisasterRiskPoint(name=f"bench-点{start + i}", kind="geological" if i % 2 else "flood", place=p,
                              region=p.region, admin_responsible=contacts[5 * i], dept_responsible=contacts[5 * i + 1],
                              keeper_responsible=contacts[5 * i + 2], households=5, people=15)
            for i, p in enumerate(places)])
        through = DisasterRiskPoint.monitors.through
        through.objects.bulk_create([through(disasterriskpoint_id=p.pk, contact_id=contacts[5 * i + 3].pk)
                                     for i, p in enumerate(rows)])
        EvacuationPlan.objects.bulk_create([EvacuationPlan(point=p, organiser=contacts[5 * i + 4], trigger_level="orange")
                                            for i, p in enumerate(rows)])
        Household.objects.bulk_create([Household(point=p, head=f"户{k}", people=3, position=k)
                                       for p in rows for k in range(5)])
    return DisasterRiskPoint.objects.filter(name__startswith="bench-").count()


def warning(region):
    from django.utils import timezone

    from anying.core.models import Organisation
    from anying.warning.models import Warning

    now = timezone.now()
    w, _ = Warning.objects.get_or_create(number="bench-red", defaults=dict(
        kind="rainstorm", level="red", agency="区气象台", unit=Organisation.objects.get(name="区应急局"),
        headline="bench 暴雨红色预警", description="bench", onset=now, expires=now + timedelta(hours=24),
        status="issued", issued_at=now))
    w.regions.set([region])
    return w




def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    common.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from anying.core.models import User
    from anying.riskpoints import evacuations, patrols, views_desk

    region = district()
    made = points(args.points)
    w = warning(region)
    area = evacuations.area_of(w)
    cases = {
        "recipient source (specs)": common.timed(lambda: sum(1 for _ in evacuations.recipient_source(w, area)), args.runs),
        "ON_ISSUE: evacuations opened": common.timed(lambda: len(evacuations.open_for_warning(w, area)), args.runs),
        "ON_ISSUE: rain checks": common.timed(lambda: patrols.rain_checks_for(w, area), args.runs),
    }
    admin = User.objects.get(username="admin")

    def with_open(fn):
        def run():
            evacuations.open_for_warning(w, area)
            t = time.perf_counter()
            fn()
            return round((time.perf_counter() - t) * 1000)
        return run

    client = Client()
    client.force_login(admin)
    cases["desk panel with all open (ms inside)"] = common.timed(with_open(lambda: views_desk.desk_panel(admin, timezone.now())),
                                                          args.runs)
    cases["evacuation list page with all open (ms inside)"] = common.timed(
        with_open(lambda: client.get(reverse("evacuation_list"))), args.runs)
    db = common.db_label()
    print(f"\n## Risk points ({db}, {made} points)\n")
    print("| case | p50 ms | max ms | queries | result |\n|---|---:|---:|---:|---:|")
    for label, c in cases.items():
        print(f"| {label} | {c['p50']:.0f} | {c['max']:.0f} | {c['queries']} | {c['result']} |")
    common.OUT_DIR.mkdir(exist_ok=True)
    out = common.OUT_DIR / f"riskpoints-{db}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"points": made, "cases": cases}, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
