"""Measure the special work permits at 3,000 enterprises and 50,000 permits (issue #19 point 2):
the town's 正在作业 list of the permits open now, the list page (first page, a kind, page 200),
the API lists and the .xlsx of the open list — as the district admin, a town inspector and the
department supervising 危险化学品.

The district comes from the core demo; the enterprises from bench/generate.py (rows marked
`bench-`, made here if fewer than --enterprises exist); the permits (place "bench-…") are made
once with bulk_create: about 4 % in progress or suspended, the rest drafts, approved, closed or
cancelled, spread over the last year.

    ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_bench .venv/bin/python bench/run_permits.py
    ANYING_DATA_DIR=/tmp/bench-sqlite .venv/bin/python bench/run_permits.py

Prints Markdown and writes bench/out/permits-<db>-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import datetime, timedelta

import common
from run_houses import timed

STATES = (["closed"] * 70 + ["cancelled"] * 6 + ["draft"] * 10 + ["approved"] * 10 + ["in_progress"] * 3
          + ["suspended"] * 1)


def world(enterprises: int, permits: int):
    from django.db import connection, transaction
    from django.utils import timezone

    import generate
    from anying.core import demo as core_demo
    from anying.permits import rules
    from anying.permits.models import Permit, Worker
    from anying.registry.models import Enterprise

    core_demo.load(random.Random(1))
    have = Enterprise.objects.filter(public_token__startswith=generate.MARK).count()
    if have < enterprises:
        generate.insert(generate.make_faker(random.Random(2026 + have)), enterprises - have)
    ents = list(Enterprise.objects.filter(public_token__startswith=generate.MARK).order_by("id")
                .values_list("id", flat=True)[:enterprises])
    made = Permit.objects.filter(place__startswith="bench-").count()
    rng = random.Random(2026)
    kinds = list(rules.kinds())
    now = timezone.now()
    with transaction.atomic():
        for start in range(made, permits, 5000):
            batch = []
            for i in range(start, min(start + 5000, permits)):
                kind = rng.choice(kinds)
                levels = [lv.code for lv in rules.levels_of(kind)]
                level = rng.choice(levels)
                state = rng.choice(STATES)
                begin = now - timedelta(hours=rng.randint(0, 2) if state in ("in_progress", "suspended")
                                        else rng.randint(0, 365 * 24))
                until = begin + timedelta(hours=rules.level(kind, level).validity_hours)
                batch.append(Permit(
                    enterprise_id=ents[i % len(ents)], number=f"bench-{i}", kind=kind, level=level,
                    place=f"bench-{i % 97}号装置", content="bench", hazards="bench", applicant_name="bench",
                    leader_name="bench", guardian_name="bench", valid_from=begin, valid_until=until, status=state,
                    started_at=begin if state in ("in_progress", "suspended", "closed") else None,
                    approved_at=begin if state not in ("draft", "cancelled") else None,
                    closed_at=until if state == "closed" else None, measures_confirmed=True, is_demo=True))
            Permit.objects.bulk_create(batch, batch_size=1000)
            Worker.objects.bulk_create([Worker(permit=p, name="bench", company="bench", contractor=n % 3 == 0)
                                        for n, p in enumerate(batch) for _ in range(2)], batch_size=2000)
            print(f"  {start + len(batch):>8,} permits", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE permits_permit")
            cursor.execute("ANALYZE permits_worker")
    return len(ents), Permit.objects.filter(place__startswith="bench-").count(), \
        Permit.objects.filter(status__in=Permit.OPEN).count()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=3_000)
    parser.add_argument("--permits", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    common.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test import Client

    from anying.core.models import User
    from anying.core.services import create_token

    n_ents, made, open_now = world(args.enterprises, args.permits)
    cases = {}
    for username in ("admin", "jiuxian", "yingji"):
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        _, secret = create_token(None, user, "bench")
        api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        urls = {"正在作业 (open now)": "/permits/open/", "list, first page": "/permits/",
                "list, 动火 一级": "/permits/?kind=hot_work&level=1", "list, page 200": "/permits/?page=200",
                "API open now": "/api/v1/permits/open?limit=100", "API list": "/api/v1/permits/?limit=100",
                "export .xlsx (open now)": "/permits/open/?export=xlsx"}
        for label, url in urls.items():
            cases[f"{label} ({username})"] = timed(api if url.startswith("/api") else client, url,
                                                   1 if "export" in label else args.runs)
    db = common.db_label()
    print(f"\n## Special work permits ({db}, {n_ents} enterprises, {made} permits, {open_now} open now)\n")
    print("| case (user) | p50 ms | max ms | queries | status | bytes |\n|---|---:|---:|---:|---:|---:|")
    for label, c in cases.items():
        print(f"| {label} | {c['p50']:.0f} | {c['max']:.0f} | {c['queries']} | {c['status']} | {c['bytes']} |")
    common.OUT_DIR.mkdir(exist_ok=True)
    out = common.OUT_DIR / f"permits-{db}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"enterprises": n_ents, "permits": made, "open_now": open_now, "cases": cases},
                              ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
