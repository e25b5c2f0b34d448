"""Measure the hazard register on the configured database (fill it with generate_hazards.py first).

    ANYING_DATA_DIR=/tmp/bench-sqlite .venv/bin/python bench/run_hazards.py
    ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_bench .venv/bin/python bench/run_hazards.py

(a) the list page /hazards/ with filters, as admin (whole district), jiuxian (one town) and
    jingxin (机械 and 轻工 only);
(b) the to-do page /hazards/todo/ as admin, jiuxian and an enterprise user of the enterprise
    with the most hazards (created once as `bench-ent`);
(b2) two-character searches (氨气, in no bench hazard, the worst case; 配电, in the places of
    about 5%) and the API list /api/v1/hazards/ (page 1, and page 5,000 of 20 rows by offset and
    by key), as admin and jiuxian;
(c) `anying tick` (escalation.run) with K = 10,000 and 50,000 hazards 20 days overdue, each
    climbing three rungs (催办提醒, 函告, 通报). The notifications it sends are deleted afterwards,
    its escalations by the next --overdue; its audit events stay (they cannot be deleted).

Requests go through django.test.Client in-process, as in run.py. Prints Markdown and writes
bench/out/hazards-<db>-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import datetime, timedelta

from django.utils import timezone

import common
from generate_hazards import set_overdue
from run import QueryLog, environment, timed_requests

LIST_TARGET_MS, TASKS_PAGE_TARGET_MS, TICK_TARGET_S = 200, 150, 60
SEARCH_TARGET_MS = API_TARGET_MS = 200
ENTERPRISE_USER = "bench-ent"


def list_cases(town_id: int, industry_id: int, enterprise_name: str) -> list[tuple[str, str]]:
    year_ago = timezone.localdate() - timedelta(days=365)
    return [
        ("q=one enterprise's name", f"/hazards/?q={enterprise_name}"),  # rare: a few dozen rows
        ("no filter", "/hazards/"),
        ("level=major", "/hazards/?level=major"),
        ("open + town", f"/hazards/?status=open&region={town_id}"),
        ("overdue", "/hazards/?overdue=1"),
        ("q=车间", "/hazards/?q=车间"),
        ("机械 + last year", f"/hazards/?industry={industry_id}&date_from={year_ago}"),
        ("major + open + inspection", "/hazards/?level=major&status=open&channel=inspection"),
        ("page 50, sort by deadline", "/hazards/?sort=deadline&page=50"),
    ]


def search_cases() -> list[tuple[str, str]]:
    return [("q=氨气 (no match)", "/hazards/?q=氨气"), ("q=配电", "/hazards/?q=配电"),
            ("q=氨 (one character)", "/hazards/?q=氨")]


def api_cases(user) -> list[tuple[str, str]]:
    from anying.hazards.models import Hazard

    # the id page 5,000 starts after, for the keyset form of the same page
    visible = Hazard.objects.visible_to(user).order_by("id").values_list("id", flat=True)
    after = visible[99_999] if visible[99_999:100_000].exists() else 0
    return [("page 1", "/api/v1/hazards/?limit=20"), ("page 5,000 by offset", "/api/v1/hazards/?limit=20&offset=99980"),
            ("page 5,000 by key", f"/api/v1/hazards/?limit=20&after={after}"),
            ("open + level=major", "/api/v1/hazards/?limit=20&status=open&level=major")]


def enterprise_user():
    from django.db.models import Count

    from anying.core.models import Organisation, User
    from anying.core.services import create_user
    from anying.hazards.models import Hazard

    if user := User.objects.filter(username=ENTERPRISE_USER).first():
        return user
    top = Hazard.objects.values("organisation").annotate(n=Count("id")).order_by("-n").first()
    return create_user(None, username=ENTERPRISE_USER, password="Bench#20261", role="enterprise_user",
                       unit=Organisation.objects.get(pk=top["organisation"]))


def bench_pages(args, log: QueryLog) -> dict:
    from django.test import Client

    from anying.core.models import Industry, Region, User
    from anying.hazards.models import Hazard

    jixie = Industry.objects.get(name="机械").pk
    # the enterprise with the most hazards, as a clerk would look it up by name
    busiest = enterprise_user().unit_id
    name = Hazard.objects.filter(organisation_id=busiest).values_list("enterprise__name", flat=True).first()
    from anying.core.services import create_token, revoke_token

    results = {"list": {}, "todo": {}, "search": {}, "api": {}}
    for username in ("admin", "jiuxian"):
        user = User.objects.get(username=username)
        client = Client(raise_request_exception=False)
        client.force_login(user)
        print(f"two-character search as {username} …", flush=True)
        results["search"][username] = timed_requests(client, log, search_cases(), args.requests)
        print(f"API list as {username} …", flush=True)
        token, secret = create_token(None, user, "bench")
        try:
            results["api"][username] = timed_requests(Client(), log, api_cases(user), args.requests,
                                                      headers={"Authorization": f"Bearer {secret}"})
        finally:
            revoke_token(user, token)
    if args.only_new:
        return results
    for username in ("admin", "jiuxian", "jingxin", ENTERPRISE_USER):
        user = User.objects.select_related("unit__region").get(username=username)
        town = user.unit.region if user.unit.region.level == Region.Level.TOWN else Region.objects.get(name="高新区")
        client = Client(raise_request_exception=False)
        client.force_login(user)
        if username != ENTERPRISE_USER:
            print(f"hazard list as {username} …", flush=True)
            results["list"][username] = timed_requests(client, log, list_cases(town.pk, jixie, name), args.requests)
        if username != "jingxin":
            print(f"to-do as {username} …", flush=True)
            results["todo"][username] = timed_requests(client, log, [("todo", "/hazards/todo/"),
                                                                     ("todo page 5", "/hazards/todo/?page=5")],
                                                       args.requests)
    return results


def bench_tick(sizes: list[int], log: QueryLog) -> list[dict]:
    from django.utils import timezone

    from anying.core.models import ClockStep, Notification
    from anying.hazards import escalation

    out = []
    for k in sizes:
        print(f"tick with {k:,} overdue …", flush=True)
        set_overdue(k)
        before_escalations = ClockStep.objects.filter(clock="hazard_overdue").count()
        last_note = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        log.reset()
        started = time.perf_counter()
        taken = escalation.run(timezone.now())
        seconds = time.perf_counter() - started
        notes = Notification.objects.filter(pk__gt=last_note)
        out.append({"overdue": k, "seconds": seconds, "taken": taken, "queries": log.count,
                    "db_seconds": log.seconds, "escalations": ClockStep.objects.filter(clock="hazard_overdue").count() - before_escalations,
                    "notifications": notes.count()})
        notes.delete()
    return out


def markdown(result: dict) -> str:
    env = result["environment"]
    out = [f"### {env['database']} — {result['hazards']:,} hazards over {env['enterprises']:,} enterprises, {env['when']}",
           "", f"{env['cpus']} CPUs, load average {env['load_before']:.1f} before and {env['load_after']:.1f} after; "
           f"anying {env.get('commit', '?')}.", "",
           "| measurement | requests | p50 ms | p95 ms | max ms | queries/request | DB ms p50 |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    kinds = {"list": ("hazard list", LIST_TARGET_MS), "todo": ("to-do", TASKS_PAGE_TARGET_MS),
             "search": ("two-character search", SEARCH_TARGET_MS), "api": ("API list", API_TARGET_MS)}
    for kind, (label, target) in kinds.items():
        for user, r in result["pages"].get(kind, {}).items():
            flag = " ⚠" if r["p95"] > target else ""
            out.append(f"| {label} as {user} | {r['n']} | {r['p50']:.0f} | "
                       f"{r['p95']:.0f}{flag} | {r['max']:.0f} | {r['queries']} | {r['db_p50']:.0f} |")
    out += common.case_rows(result["pages"], [k for k in kinds if result["pages"].get(k)])
    if result.get("tick"):
        out += ["", "| tick: overdue hazards | escalations | notifications | seconds | queries | DB s | s per 10,000 |",
                "|---:|---:|---:|---:|---:|---:|---:|"]
        for t in result["tick"]:
            flag = " ⚠" if t["seconds"] > TICK_TARGET_S else ""
            out.append(f"| {t['overdue']:,} | {t['escalations']:,} | {t['notifications']:,} | {t['seconds']:.1f}{flag} | "
                       f"{t['queries']:,} | {t['db_seconds']:.1f} | {t['seconds'] / t['overdue'] * 10_000:.1f} |")
        first, last = result["tick"][0], result["tick"][-1]
        out.append(f"\nTime ratio {last['seconds'] / first['seconds']:.2f} for {last['overdue'] / first['overdue']:.0f}× "
                   "the overdue hazards (linear = the same ratio).")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per user and page")
    parser.add_argument("--tick-sizes", type=int, nargs="*", default=[10_000, 50_000], metavar="K")
    parser.add_argument("--skip-pages", action="store_true", help="time only the tick")
    parser.add_argument("--only-new", action="store_true", help="only the two-character searches and the API list")
    args = parser.parse_args()
    common.setup()
    from django.core.management import call_command
    from django.db import connection

    from anying.hazards.models import Hazard

    call_command("migrate", verbosity=0)
    if not Hazard.objects.exists():
        raise SystemExit("No hazards in this database: run bench/generate_hazards.py first.")
    log = QueryLog()
    result = {"environment": environment(), "hazards": Hazard.objects.count(), "args": vars(args)}
    enterprise_user()
    with connection.execute_wrapper(log):
        result["pages"] = {} if args.skip_pages else bench_pages(args, log)
        result["tick"] = bench_tick(args.tick_sizes, log)
    result["environment"]["load_after"] = os.getloadavg()[0]
    common.OUT_DIR.mkdir(exist_ok=True)
    path = common.OUT_DIR / f"hazards-{common.db_label()}-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print("\n" + markdown(result) + f"\n\nJSON: {path}")


if __name__ == "__main__":
    main()
