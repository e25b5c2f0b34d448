"""Incidents at the issue's scale (issue #15 "Speed"): 100,000 closed incidents with their reports
and 1,000 open ones with their reporting deadlines (a third overdue), written with COPY (PostgreSQL)
or executemany (SQLite), then measured:

- the duty desk screen (/incidents/desk/: the open incidents by next deadline, the map, the arrival
  rate) p95 < 300 ms, as the district admin and as the district's duty officer; the incident list too;
- the clocks of 10,000 open incidents in one tick (`services.run_overdue`: every passed deadline
  marked once, on the timeline, and told to the desks) < 10 s.

    createdb -h 127.0.0.1 -U postgres anying_incidents_bench
    ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_incidents_bench .venv/bin/python bench/run_incidents.py
    ANYING_DATA_DIR=/tmp/bench-incidents .venv/bin/python bench/run_incidents.py

The first run migrates, loads the demo district's accounts and generates; later runs only measure.
Prints Markdown and writes bench/out/incidents-<db>-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import time
from datetime import datetime
from decimal import Decimal

import common
from run_supplies import loader, p

CLOSED, OPEN, TICK = 100_000, 1_000, 10_000
TARGETS = {"duty desk (admin)": 300, "duty desk (duty officer)": 300, "incident list (admin)": 300,
           f"tick: clocks of {TICK:,} open incidents": 10_000}
COLUMNS = ["id", "number", "title", "category", "kind", "region", "place", "latitude", "longitude", "occurred_at",
           "received_at", "source", "source_detail", "reporter", "reporter_phone", "verified", "verification",
           "deaths", "missing", "trapped", "injured", "serious_injuries", "direct_loss", "description", "measures",
           "grade", "grade_set_by_hand", "unit", "status", "is_exercise", "closed_at", "version", "created_at", "is_demo",
           "party"]


def _ids(model) -> int:
    return (model.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1


def generate(count: int, status: str, prefix: str, overdue_share: float = 0.0) -> None:
    """`count` incidents of `status` across the district's towns, each with its desk; open ones owe a
    首报 (a share of them already past) and a written one, closed ones have their 首报 and 终报."""
    from django.db import connection, transaction
    from django.utils import timezone

    from anying.core.models import Organisation, Region
    from anying.incidents.models import Desk, Due, Incident, Report, ReportRule

    rng = random.Random(hash(prefix) & 0xFFFF)
    load = loader(connection)
    now = timezone.now()
    district = Region.objects.get(name="铜梁区", level=Region.Level.DISTRICT)
    offices = list(Organisation.objects.filter(kind=Organisation.Kind.TOWN_OFFICE, region__parent=district)
                   .values_list("id", "region_id"))
    rule = ReportRule.objects.get(code="R493_A11_LEVEL", region=None)
    start = time.perf_counter()
    with transaction.atomic():
        ibase, dbase, ubase, rbase = _ids(Incident), _ids(Desk), _ids(Due), _ids(Report)
        incidents, desks, dues, reports = [], [], [], []
        for n in range(count):
            iid, did = ibase + n, dbase + n
            unit, region = offices[n % len(offices)]
            if status == "open":
                occurred = now - dt.timedelta(minutes=rng.randint(30, 600))
            else:
                occurred = now - dt.timedelta(days=rng.randint(2, 3 * 365), minutes=rng.randint(0, 1440))
            received = occurred + dt.timedelta(minutes=rng.randint(5, 40))
            lat, lon = Decimal(f"{29.7 + rng.random() * 0.3:.6f}"), Decimal(f"{105.9 + rng.random() * 0.3:.6f}")
            incidents.append((iid, f"{prefix}-{n:06d}", f"{prefix}事件{n:06d}", "accident", "work_safety", region,
                              "压测地点", lat, lon, occurred, received, "phone", "", "", "", False, "", 0, 0, 0,
                              rng.randint(0, 3), 0, Decimal(0), "压测", "", "general", False, unit, status, False,
                              received + dt.timedelta(days=2) if status == "closed" else None, 0, now, False, ""))
            desks.append((did, iid, unit, received, "区应急局", None if status == "open" else received + dt.timedelta(days=2)))
            if status == "open":
                due_at = received + dt.timedelta(minutes=120)
                if rng.random() < overdue_share:
                    due_at = now - dt.timedelta(minutes=rng.randint(1, 120))
                elif due_at <= now:
                    due_at = now + dt.timedelta(minutes=rng.randint(5, 120))
                dues.append((ubase + len(dues), iid, did, "first", "", due_at, rule.pk, None, False, None))
            else:
                first, final = rbase + len(reports), rbase + len(reports) + 1
                reports.append((first, iid, did, "first", 1, "written", "区应急局", received + dt.timedelta(minutes=50),
                                "", "首报", "{}", "general", 0))
                reports.append((final, iid, did, "final", 1, "written", "区应急局", received + dt.timedelta(days=2),
                                "", "终报", "{}", "general", 0))
                dues.append((ubase + len(dues), iid, did, "first", "", received + dt.timedelta(minutes=120), rule.pk,
                             received + dt.timedelta(minutes=50), False, None))
        load(Incident, COLUMNS, incidents)
        load(Desk, ["id", "incident", "unit", "received_at", "upstream_name", "finished_at"], desks)
        load(Report, ["id", "incident", "desk", "stage", "sequence", "medium", "to_name", "submitted_at", "signed_by",
                      "content", "snapshot", "grade", "late_minutes"], reports)
        load(Due, ["id", "incident", "desk", "stage", "medium", "due_at", "rule", "met_at", "cancelled", "overdue_at"],
             dues)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (Incident, Desk, Due, Report):
                    table = model._meta.db_table
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                   f"(SELECT MAX(id) FROM \"{table}\"))")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"generated {count:,} {status} incidents ({len(reports):,} reports, {len(dues):,} deadlines) in "
          f"{time.perf_counter() - start:.0f} s", flush=True)


def tick(now) -> tuple[float, int]:
    """The clocks of TICK open incidents: the bench's own batch (ids kept apart), all past due, marked
    in one run; then put back (unmarked, their timeline and messages removed) for the next run."""
    from django.contrib.contenttypes.models import ContentType

    from anying.core.models import Notification, TimelineEvent
    from anying.incidents import services
    from anying.incidents.models import Due, Incident

    batch = Incident.objects.filter(number__startswith="TICK-")
    if not batch.exists():
        generate(TICK - OPEN, "open", "TICK", overdue_share=1.0)
    Due.objects.filter(incident__status="open", met_at__isnull=True).update(overdue_at=None)
    Due.objects.filter(incident__number__startswith="TICK-").update(due_at=now - dt.timedelta(minutes=5))
    open_count = Incident.objects.filter(status="open").count()
    started = time.perf_counter()
    marked = services.run_overdue(now)
    elapsed = (time.perf_counter() - started) * 1000
    ct = ContentType.objects.get_for_model(Incident)
    TimelineEvent.objects.filter(content_type=ct, action="overdue", at__gte=now - dt.timedelta(days=1)).delete()
    Notification.objects.filter(title__startswith="报送逾期：").delete()
    # the tick's incidents are not part of the desk's 1,000: they are closed again after each run
    assert open_count >= TICK, open_count
    return elapsed, marked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    common.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from anying.core import demo as core_demo
    from anying.core.models import User
    from anying.incidents.models import DeskSetting, Due, Incident

    if not User.objects.filter(username="admin").exists():
        core_demo.load(random.Random(1))
    from anying.core.models import Organisation, Region

    DeskSetting.objects.get_or_create(region=Region.objects.get(name="铜梁区", level="district"),
                                      defaults={"unit": Organisation.objects.get(name="区应急局"),
                                                "upstream_name": "重庆市应急管理局"})
    if not Incident.objects.filter(number__startswith="BC-").exists():
        generate(CLOSED, "closed", "BC")
    if not Incident.objects.filter(number__startswith="BO-").exists():
        generate(OPEN, "open", "BO", overdue_share=1 / 3)
    Incident.objects.filter(number__startswith="TICK-").update(status="closed")
    results = {}

    def timed(label, fn):
        fn()  # warm-up
        samples = []
        for _ in range(args.requests):
            started = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - started) * 1000)
        results[label] = {"p50": statistics.median(samples), "p95": p(samples, 0.95), "n": len(samples)}

    desk_url = reverse_url("incident_desk")
    for username, label in (("admin", "duty desk (admin)"), ("duty", "duty desk (duty officer)")):
        client = Client()
        client.force_login(User.objects.get(username=username))

        def page(c=client):
            response = c.get(desk_url)
            assert response.status_code == 200, response.status_code

        timed(label, page)
        if username == "admin":
            timed("incident list (admin)", lambda c=client: c.get(reverse_url("incident_list")))
    counts = {"open": Incident.objects.filter(status="open").count(),
              "closed": Incident.objects.filter(status="closed").exclude(number__startswith="TICK-").count(),
              "deadlines": Due.objects.count()}
    Incident.objects.filter(number__startswith="TICK-").update(status="open")
    elapsed, marked = tick(timezone.now())
    Incident.objects.filter(number__startswith="TICK-").update(status="closed")
    results[f"tick: clocks of {TICK:,} open incidents"] = {"p50": elapsed, "p95": elapsed, "n": 1, "marked": marked}
    from common import db_label

    print(f"\n## Incidents — {db_label()} — {counts['open']:,} open, {counts['closed']:,} closed incidents, "
          f"{counts['deadlines']:,} deadlines\n")
    print("| case | p50 ms | p95 ms | target ms | |\n|---|---:|---:|---:|---|")
    for label, r in results.items():
        target = TARGETS.get(label)
        ok = "✓" if target is None or r["p95"] < target else "✗"
        print(f"| {label} | {r['p50']:.0f} | {r['p95']:.0f} | {target or ''} | {ok} |")
    print(f"\ntick marked {marked:,} deadlines")
    common.OUT_DIR.mkdir(exist_ok=True)
    out = common.OUT_DIR / f"incidents-{db_label()}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"counts": counts, "results": results}, ensure_ascii=False, indent=1))


def reverse_url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


if __name__ == "__main__":
    main()
