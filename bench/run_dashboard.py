"""Measure the 综合看板 and the monthly report on the configured database (fill it first with
generate.py, generate_inspections.py and generate_hazards.py).

    ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_bench .venv/bin/python bench/run_dashboard.py
    ANYING_DATA_DIR=/tmp/bench-sqlite .venv/bin/python bench/run_dashboard.py

(a) GET /oversight/ as admin (whole district), leader, jiuxian (one town) and jingxin (机械 and
    轻工 in every town), `--requests` timed requests in all, after a warm-up;
(b) the monthly report (月分析) for last month, generated `--reports` times as admin, when the
    reports module is installed.

Prints Markdown with the hazard count, and writes bench/out/dashboard-<db>-<timestamp>.json, so
runs at 1M and 10M hazards can be compared side by side.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import datetime, timedelta

from django.utils import timezone

import common
from run import QueryLog, environment, timed_requests

DASHBOARD_TARGET_MS, REPORT_TARGET_S = 500, 10
USERS = ("admin", "leader", "jiuxian", "jingxin")


def bench_dashboard(args, log: QueryLog) -> dict:
    from django.test import Client

    from anying.core.models import User

    results = {}
    for username in USERS:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=username))
        print(f"dashboard as {username} …", flush=True)
        results[username] = timed_requests(client, log, [("dashboard", "/oversight/")], args.requests // len(USERS))
    return results


def bench_report(args) -> dict | None:
    try:
        from anying.oversight import reports
    except ImportError:
        return None
    from anying.core.models import User

    admin = User.objects.get(username="admin")
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    times = []
    for _ in range(args.reports):
        started = time.perf_counter()
        report = reports.generate(admin, reports.Kind.MONTHLY, last_month, record=False)
        times.append(time.perf_counter() - started)
    return {"seconds": times, "median": statistics.median(times), "max": max(times), "bytes": len(report)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--reports", type=int, default=3)
    args = parser.parse_args()
    common.setup()
    from django.db import connection

    from anying.hazards.models import Hazard, HazardDueTally, HazardMonthTally, HazardTally
    from anying.inspections.models import Inspection
    from anying.registry.models import Enterprise

    log = QueryLog()
    sizes = {"hazards": Hazard.objects.count(), "inspections": Inspection.objects.count(),
             "enterprises": Enterprise.objects.count(),
             "tally rows": sum(m.objects.count() for m in (HazardTally, HazardDueTally, HazardMonthTally))}
    with connection.execute_wrapper(log):
        pages = bench_dashboard(args, log)
    report = bench_report(args)
    result = {"db": common.db_label(), "sizes": sizes, "dashboard": pages, "report": report, **environment()}
    out = common.OUT_DIR / f"dashboard-{common.db_label()}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    print()
    print(f"{common.db_label()}: " + ", ".join(f"{v:,} {k}" for k, v in sizes.items()))
    print()
    print("| dashboard as | p50 ms | p95 ms | queries | DB ms p50 | target |")
    print("|---|---:|---:|---:|---:|---|")
    for username, r in pages.items():
        ok = "✓" if r["p95"] < DASHBOARD_TARGET_MS else "✗"
        print(f"| {username} | {r['p50']:.0f} | {r['p95']:.0f} | {r['queries']} | {r['db_p50']:.0f} | "
              f"p95 < {DASHBOARD_TARGET_MS} {ok} |")
    if report:
        ok = "✓" if report["max"] < REPORT_TARGET_S else "✗"
        print(f"\nmonthly report (月分析): median {report['median']:.2f} s, max {report['max']:.2f} s over "
              f"{len(report['seconds'])} runs, {report['bytes']:,} bytes; target < {REPORT_TARGET_S} s {ok}")
    print(f"\n(written to {out})")


if __name__ == "__main__":
    main()
