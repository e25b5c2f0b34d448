"""Measure the winter-spring relief pages at 20,000 applications (issue #18 point 8):

- the public 张榜公示 page of the town with the most names on notice (all of them listed, masked);
- the coverage-by-town page (救助覆盖率) for the district admin, which sums the surveys and the
  applications by town in the database.

The district comes from the core demo; the villages (three per town, "bench-村"), one round, a
survey per village and 20,000 applications (a quarter on one notice per town, the rest spread over
the other states) are made once with bulk inserts.

    ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_bench .venv/bin/python bench/run_relief.py
    ANYING_DATA_DIR=/tmp/bench-sqlite .venv/bin/python bench/run_relief.py

Prints Markdown and writes bench/out/relief-<db>-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import datetime, timedelta
from decimal import Decimal

import common

STATES = ["filed", "village_passed", "town_passed", "decided", "paid", "rejected"]


def world(n: int):
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from anying.core import demo as core_demo
    from anying.core.models import Organisation, Region
    from anying.relief.models import Application, Notice, Round, Survey

    core_demo.load(random.Random(1))
    district = Region.objects.get(name="铜梁区", level=Region.Level.DISTRICT)
    today = timezone.localdate()
    rnd = Round.objects.filter(name="bench-冬春救助").first() or Round.objects.create(
        name="bench-冬春救助", region=district, unit=Organisation.objects.get(name="区应急局"), starts_on=today,
        ends_on=today + timedelta(days=150), notice_days=7)
    have = Application.objects.filter(round=rnd).count()
    if have >= n:
        return rnd
    towns = list(Region.objects.filter(level=Region.Level.TOWN, parent=district))
    villages = []
    for t in towns:
        for i in range(3):
            villages.append(Region.objects.get_or_create(name=f"bench-村{t.pk}-{i}", parent=t,
                                                         defaults={"level": Region.Level.VILLAGE})[0])
    Survey.objects.bulk_create([Survey(round=rnd, village=v, town=v.parent, households=400, persons=1100,
                                       surveyed_on=today) for v in villages], ignore_conflicts=True)
    notices = {t.pk: Notice.objects.create(round=rnd, town=t, title=f"bench-{t.name}公示", starts_on=today,
                                           ends_on=today + timedelta(days=6), days=7) for t in towns}
    rng = random.Random(2026)
    rows = []
    for i in range(have, n):
        v = villages[i % len(villages)]
        state = "notice" if i % 4 == 0 else STATES[i % len(STATES)]
        paid = state == "paid"
        rows.append(Application(
            round=rnd, village=v, town=v.parent, number=f"bench-{i}", head=f"户主{i}", id_number="11010519491231002X",
            phone="13800000000", members=rng.randint(1, 6), situation="bench", needs="food,clothing",
            requested=Decimal(800), approved=Decimal(800), status=state,
            notice=notices[v.parent_id] if state in ("notice", "decided", "paid") else None,
            account="6217000012341234" if paid else "", paid_amount=Decimal(800) if paid else None,
            paid_on=today if paid else None))
        if len(rows) == 2000:
            Application.objects.bulk_create(rows)
            rows = []
    Application.objects.bulk_create(rows)
    return rnd


def timed(fn, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, status = [], 0, None
    for _ in range(runs):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            status = fn()
            times.append((time.perf_counter() - t) * 1000)
        queries = len(ctx)
    times.sort()
    return {"p50": round(times[len(times) // 2], 1), "max": round(times[-1], 1), "queries": queries, "status": status}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    common.setup()
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from anying.core import ratelimit
    from anying.core.models import User
    from anying.relief.models import Application, Notice
    from anying.relief.views_public import VIEW_LIMIT

    rnd = world(args.applications)
    biggest = (Application.objects.filter(round=rnd, status="notice").values("notice_id").annotate(n=Count("pk"))
               .order_by("-n").first())
    notice = Notice.objects.get(pk=biggest["notice_id"])
    client = Client()
    admin = User.objects.get(username="admin")
    staff = Client()
    staff.force_login(admin)

    def public():
        ratelimit.clear(VIEW_LIMIT, "127.0.0.1")
        return client.get(reverse("relief:public_notice", args=[notice.public_token])).status_code

    cases = {
        f"public notice page ({biggest['n']} names)": timed(public, args.runs),
        "coverage by town (admin)": timed(lambda: staff.get(reverse("relief:coverage") + f"?round={rnd.pk}").status_code,
                                          args.runs),
        "application list (admin, first page)": timed(lambda: staff.get(reverse("relief:application_list")).status_code,
                                                      args.runs),
    }
    db = common.db_label()
    total = Application.objects.filter(round=rnd).count()
    print(f"\n### relief on {db}: {total} applications\n")
    print("| case | p50 ms | max ms | queries | status |\n|---|---:|---:|---:|---:|")
    for name, r in cases.items():
        print(f"| {name} | {r['p50']} | {r['max']} | {r['queries']} | {r['status']} |")
    common.OUT_DIR.mkdir(exist_ok=True)
    out = common.OUT_DIR / f"relief-{db}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"db": db, "applications": total, "cases": cases}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
