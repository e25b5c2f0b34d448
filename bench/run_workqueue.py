"""Measure the workspace (issue #13) on the configured database: the menu badges every page loads
after itself, the home page's cards and the all-module 待办 — for the district admin, a town
inspector (jiuxian), a department (jingxin) and an enterprise account. Fill the database first
with generate.py and generate_hazards.py.

    ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_bench .venv/bin/python bench/run_workqueue.py
    ANYING_DATA_DIR=/tmp/bench-sqlite .venv/bin/python bench/run_workqueue.py

Prints Markdown and writes bench/out/workqueue-<db>-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime

import common
from run import QueryLog, environment, timed_requests

TARGET_MS = 500  # p95 of a page, as for the lists (bench/README.md)
CASES = [("badges", "/todo/badges/"), ("home", "/"), ("todo", "/todo/"), ("todo overdue", "/todo/?overdue=1")]


def enterprise_account():
    """An enterprise's own account over a bench enterprise with open hazards (made once)."""
    from anying.core.models import User
    from anying.core.roles import Role
    from anying.hazards.models import Hazard

    user = User.objects.filter(username="bench-qiye").first()
    if user is None:
        hazard = Hazard.objects.filter(status__in=["registered", "rectifying"]).select_related("enterprise").first()
        user = User.objects.create(username="bench-qiye", display_name="企业账号",
                                   unit=hazard.enterprise.organisation, role=Role.ENTERPRISE_USER)
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per user")
    args = parser.parse_args()
    common.setup()
    from django.db import connection
    from django.test import Client

    from anying.core.models import User
    from anying.hazards.models import Hazard

    users = [User.objects.get(username=name) for name in ("admin", "jiuxian", "jingxin")] + [enterprise_account()]
    log = QueryLog()
    results = {}
    with connection.execute_wrapper(log):
        for user in users:
            client = Client(raise_request_exception=False)
            client.force_login(user)
            print(f"workspace as {user.username} …", flush=True)
            cases = CASES
            if user.username == "bench-qiye":  # an enterprise's home is its own page (一企一档, 本企业待办)
                cases = [(label, f"/enterprises/{user.unit.enterprise.pk}/" if label == "home" else url)
                         for label, url in CASES]
            results[user.username] = timed_requests(client, log, cases, args.requests)
    sizes = {"hazards": Hazard.objects.count()}
    result = {"db": common.db_label(), "sizes": sizes, "pages": results, **environment()}
    out = common.OUT_DIR / f"workqueue-{common.db_label()}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    print(f"\n{common.db_label()}: {sizes['hazards']:,} hazards\n")
    print("| user | page | p50 ms | p95 ms | queries | slowest query ms | target |")
    print("|---|---|---:|---:|---:|---:|---|")
    for username, r in results.items():
        for label, case in r["cases"].items():
            ok = "✓" if case["p95"] < TARGET_MS else "✗"
            print(f"| {username} | {label} | {case['p50']:.0f} | {case['p95']:.0f} | {case['queries']} | "
                  f"{case['slowest_query_ms']:.0f} | p95 < {TARGET_MS} {ok} |")
        if r["failed"]:
            print(f"| {username} | failed: {r['failed']} |")
    print(f"\n(written to {out})")


if __name__ == "__main__":
    main()
