"""Measure the house ledger at 50,000 households (issue #18 point 5): the list page (first page,
a town's page, a filtered page, page 200), the .xlsx export of the whole ledger (the district's,
with the totals), the API list, and `services.counts` for an event and a town (what the 核报 is
checked against) — as the district admin, a town inspector and a village officer.

The district comes from the core demo; the event ("bench-暴雨") and the 50,000 households
(head "bench-…") are made once with bulk_create across the demo villages.

    ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_bench .venv/bin/python bench/run_houses.py
    ANYING_DATA_DIR=/tmp/bench-sqlite .venv/bin/python bench/run_houses.py

Prints Markdown and writes bench/out/houses-<db>-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import datetime, timedelta

import common


def world(n: int):
    from django.utils import timezone

    from anying.core import demo as core_demo
    from anying.core.models import Organisation, Region
    from anying.disasters.models import Event
    from anying.disasters.villages import committees
    from anying.houses.models import Household
    from anying.houses.standards import load_defaults

    core_demo.load(random.Random(1))
    load_defaults()
    villages = committees()
    district = Region.objects.get(name="铜梁区", level=Region.Level.DISTRICT)
    towns = {v.parent for v, _, _ in villages.values()}
    event, made = Event.objects.get_or_create(number="bench-ZH", defaults=dict(
        name="bench-暴雨", kind="flood", started_at=timezone.now() - timedelta(days=30), region=district,
        unit=Organisation.objects.get(name="区应急局")))
    if made:
        event.towns.set(list(towns))
    have = Household.objects.filter(event=event).count()
    rng = random.Random(2026)
    rows = [v for v, _, _ in villages.values()]
    today = timezone.localdate()
    statuses = [s for s, _ in Household.Status.choices]
    for start in range(have, n, 5000):
        batch = []
        for i in range(start, min(start + 5000, n)):
            v = rows[i % len(rows)]
            c = rng.choice((0, 0, 1, 2, 4))
            s = rng.choice((0, 1, 2)) if not c else 0
            g = 0 if c + s else rng.randint(1, 3)
            batch.append(Household(event=event, town_id=v.parent_id, village=v, head=f"bench-{i}",
                                   id_number=f"500151198001{i % 1000000:06d}", members=rng.randint(1, 6),
                                   situation="general", structure="brick_wood", rooms=5, rooms_collapsed=c,
                                   rooms_severe=s, rooms_general=g, cause="暴雨", assessed_on=today,
                                   assessors="bench", status=rng.choice(statuses), subsidy=5000 * (c + s) + 1000 * g))
        Household.objects.bulk_create(batch)
    from django.db import connection

    if connection.vendor == "postgresql":  # the planner's statistics after a bulk load, as autovacuum would
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE houses_household")
    return event, Household.objects.filter(event=event).count(), villages


def timed(client, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, status, size = [], 0, 0, 0
    client.get(url)  # warm
    for _ in range(runs):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            r = client.get(url)
            body = b"".join(r.streaming_content) if r.streaming else r.content
            times.append((time.perf_counter() - t) * 1000)
        queries, status, size = len(ctx), r.status_code, len(body)
    times.sort()
    return {"p50": times[len(times) // 2], "max": times[-1], "queries": queries, "status": status, "bytes": size}


def call(fn, runs: int) -> dict:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"p50": times[len(times) // 2], "max": times[-1], "queries": "—", "status": result, "bytes": 0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    common.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test import Client

    from anying.core.models import Region, User
    from anying.core.services import create_token
    from anying.houses import services

    event, made, villages = world(args.households)
    town = Region.objects.get(name="旧县街道", level=Region.Level.TOWN)
    cases = {}
    for username in ("admin", "jiuxian", "cunyuan"):
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        _, secret = create_token(None, user, "bench")
        api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        urls = {"list, first page": "/houses/", "list, collapsed in 旧县街道": f"/houses/?degree=collapsed&region={town.pk}",
                "list, page 200": "/houses/?page=200", "API list": "/api/v1/houses/households?limit=100"}
        if username != "cunyuan":
            urls["export .xlsx (whole ledger)"] = "/houses/?export=xlsx"
        for label, url in urls.items():
            cases[f"{label} ({username})"] = timed(api if url.startswith("/api") else client, url,
                                                   1 if "export" in label else args.runs)
    cases["services.counts(event)"] = call(lambda: services.counts(event)["houses_collapsed"], args.runs)
    cases["services.counts(event, 旧县街道)"] = call(lambda: services.counts(event, town)["houses_collapsed"], args.runs)
    db = common.db_label()
    print(f"\n## House ledger ({db}, {made} households)\n")
    print("| case (user) | p50 ms | max ms | queries | status / result | bytes |\n|---|---:|---:|---:|---:|---:|")
    for label, c in cases.items():
        print(f"| {label} | {c['p50']:.0f} | {c['max']:.0f} | {c['queries']} | {c['status']} | {c['bytes']} |")
    common.OUT_DIR.mkdir(exist_ok=True)
    out = common.OUT_DIR / f"houses-{db}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"households": made, "cases": cases}, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
