"""Measure the enterprise registry on the configured database (fill it with generate.py first).

    ANYING_DATA_DIR=/tmp/bench-sqlite .venv/bin/python bench/run.py
    ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_bench .venv/bin/python bench/run.py

(a) the list page /enterprises/ with filters and searches, as admin (区级管理员, whole district),
    jiuxian (镇街监管员, one town) and jingxin (部门监管员, 机械 and 轻工 only);
(b) the API list /api/v1/enterprises/ with a Bearer token;
(c) import of a 10,000-row .xlsx of new enterprises, the same file again (nothing changes) and
    the file with every row changed (all updates), as admin like the web upload; the imported
    rows are deleted afterwards so runs can be repeated (their audit events stay: audit
    records cannot be deleted);
(d) export of every enterprise admin can see.

Requests go through django.test.Client in-process, so "server time" is the wall time of the
full Django stack (middleware, session, view, queries, template) without network or a WSGI
server. Every query is counted and timed with a connection execute wrapper. Prints Markdown and
writes bench/out/<db>-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import statistics
import subprocess
import time
from datetime import datetime

import common
from generate import Faker, make_faker

LIST_TARGET_MS = 150
IMPORT_TARGET_S = 30


class QueryLog:
    """Counts and times every query on the connection (cheap, unlike CaptureQueriesContext)."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.count, self.seconds, self.slowest = 0, 0.0, (0.0, "")

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            self.count += 1
            self.seconds += took
            if took > self.slowest[0]:
                self.slowest = (took, sql)


def percentiles(values: list[float]) -> dict:
    cuts = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else values * 99
    return {"n": len(values), "p50": statistics.median(values), "p95": cuts[94], "max": max(values)}


def timed_requests(client, log: QueryLog, cases: list[tuple[str, str]], total: int, headers=None) -> dict:
    """`total` GETs cycling through `cases` after one untimed warm-up pass (template compile,
    first connection); returns overall and per-case stats in milliseconds."""
    headers = headers or {}
    # A case that fails in the warm-up is reported as failed rather than ending the run.
    failed = {label: status for label, url in cases if (status := client.get(url, headers=headers).status_code) != 200}
    cases = [(label, url) for label, url in cases if label not in failed]
    samples: dict[str, list[tuple[float, int, float]]] = {label: [] for label, _ in cases}
    slowest: dict[str, tuple[float, str]] = {}
    for i in range(total):
        label, url = cases[i % len(cases)]
        log.reset()
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        took = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        samples[label].append((took * 1000, log.count, log.seconds * 1000))
        if log.slowest[0] > slowest.get(label, (0.0, ""))[0]:
            slowest[label] = log.slowest
    every = [s for rows in samples.values() for s in rows]
    per_case = {}
    for label, url in cases:
        rows = samples[label]
        per_case[label] = {
            "url": url, **percentiles([r[0] for r in rows]), "queries": max(r[1] for r in rows),
            "db_p50": statistics.median(r[2] for r in rows),
            "slowest_query_ms": slowest[label][0] * 1000, "slowest_query": slowest[label][1][:600],
        }
    return {**percentiles([r[0] for r in every]), "queries": max(r[1] for r in every),
            "db_p50": statistics.median(r[2] for r in every), "cases": per_case, "failed": failed}


def list_cases(town, industry_id: int, manufacturing_id: int, code_prefix: str) -> list[tuple[str, str]]:
    """Filter and search combinations a 监管员 uses; `town` is the user's own or the largest."""
    return [
        ("no filter, page 1", "/enterprises/"),
        ("town + q=机械", f"/enterprises/?region={town.pk}&q=机械"),
        ("q=重庆 (matches most)", "/enterprises/?q=重庆"),
        ("q=鑫盛 (rare brand)", "/enterprises/?q=鑫盛"),
        ("q=credit code prefix", f"/enterprises/?q={code_prefix}"),
        ("工贸 subtree + tag dust", f"/enterprises/?industry={manufacturing_id}&tag=dust"),
        ("town + 机械 + 在业 + 规上", f"/enterprises/?region={town.pk}&industry={industry_id}&status=operating&scale=above"),
        ("过期, sort by expiry", "/enterprises/?std_status=expired&sort=std_expiry"),
        ("page 100, sort by town", "/enterprises/?sort=region&page=100"),
        ("达标 三级 + q=机械, 50/page", "/enterprises/?std_status=certified&std_grade=3&q=机械&per_page=50"),
    ]


def api_cases(town, industry_id: int, manufacturing_id: int) -> list[tuple[str, str]]:
    return [
        ("limit=50 industry=机械", f"/api/v1/enterprises/?limit=50&industry={industry_id}"),
        ("limit=50 工贸 + town", f"/api/v1/enterprises/?limit=50&industry={manufacturing_id}&region={town.pk}"),
        ("limit=50 q=机械", "/api/v1/enterprises/?limit=50&q=机械"),
        ("limit=50 offset=5000", "/api/v1/enterprises/?limit=50&offset=5000"),
        ("limit=100 std_status=expired", "/api/v1/enterprises/?limit=100&std_status=expired"),
    ]


def bench_web(args, log: QueryLog) -> dict:
    from django.test import Client

    from anying.core.models import Industry, Region, User
    from anying.core.services import create_token, revoke_token
    from anying.registry.models import Enterprise

    towns = {r.name: r for r in Region.objects.filter(level=Region.Level.TOWN)}
    jixie, gongmao = Industry.objects.get(name="机械").pk, Industry.objects.get(name="工贸").pk
    prefix = Enterprise.objects.order_by("pk").values_list("credit_code", flat=True).first()[:12]
    results = {"list": {}, "api": {}}
    for username in ("admin", "jiuxian", "jingxin"):
        user = User.objects.select_related("unit__region").get(username=username)
        # A town inspector filters by their own town; district-wide users by the largest one.
        town = user.unit.region if user.unit.region.level == Region.Level.TOWN else towns["高新区"]
        client = Client(raise_request_exception=False)
        client.force_login(user)  # no Argon2 hashing per run; the session is real
        print(f"list page as {username} …", flush=True)
        results["list"][username] = timed_requests(client, log, list_cases(town, jixie, gongmao, prefix), args.requests)
        if username == "jingxin":
            continue
        token, secret = create_token(None, user, "bench")
        print(f"API as {username} …", flush=True)
        results["api"][username] = timed_requests(Client(raise_request_exception=False), log, api_cases(town, jixie, gongmao), args.requests,
                                                  headers={"Authorization": f"Bearer {secret}"})
        revoke_token(user, token)
    return results


# --- import and export -----------------------------------------------------------------------

def xlsx_rows(faker: Faker, count: int) -> list[list]:
    """Rows in the import template's column order, as a person would type them."""
    from anying.registry.excel import COLUMNS
    from anying.registry.models import Enterprise

    labels = {c.field: dict(Enterprise._meta.get_field(c.field).flatchoices) for c in COLUMNS if c.kind == "choice"}
    rows = []
    for _ in range(count):
        values, tags = faker.enterprise()
        row = []
        for c in COLUMNS:
            value = values.get(c.field)
            if c.kind == "tags":
                value = "、".join(t.name for t in tags)
            elif c.kind in ("region", "industry"):
                value = value.name
            elif c.kind == "choice":
                value = labels[c.field][value] if value else ""
            elif c.kind == "decimal" and value is not None:
                value = float(value)
            row.append(value)
        rows.append(row)
    return rows


def xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    from anying.registry.excel import COLUMNS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("生产经营单位")
    ws.append([c.header for c in COLUMNS])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def timed_import(label: str, content: bytes, log: QueryLog) -> dict:
    from anying.core.models import User
    from anying.registry.excel import import_enterprises

    # As the web upload does it: admin's scope (the whole district) is checked for every row.
    admin = User.objects.get(username="admin")
    log.reset()
    started = time.perf_counter()
    report = import_enterprises(admin, io.BytesIO(content))
    seconds = time.perf_counter() - started
    if report.bad_rows:
        raise SystemExit(f"{label}: import rejected\n" + "\n".join(report.error_lines()[:20]))
    print(f"  {label}: {seconds:.1f} s — {report.summary()}", flush=True)
    return {"label": label, "rows": len(report.rows), "seconds": seconds, "created": report.created,
            "updated": report.updated, "unchanged": report.unchanged, "queries": log.count, "db_seconds": log.seconds}


def delete_imported(codes: list[str]) -> None:
    from django.db import transaction

    from anying.core.models import Organisation
    from anying.registry.models import Enterprise

    with transaction.atomic():
        for start in range(0, len(codes), 2000):
            ents = Enterprise.objects.filter(credit_code__in=codes[start:start + 2000])
            org_ids = list(ents.values_list("organisation_id", flat=True))
            ents.delete()
            Organisation.objects.filter(pk__in=org_ids).delete()


def bench_import(args, log: QueryLog) -> dict:
    from anying.registry.excel import COLUMNS

    code_at = [c.field for c in COLUMNS].index("credit_code")
    employees_at = [c.field for c in COLUMNS].index("employees")
    phone_at = [c.field for c in COLUMNS].index("contact_phone")
    rows = xlsx_rows(make_faker(random.Random(args.seed)), args.import_rows)
    started = time.perf_counter()
    content = xlsx(rows)
    build = time.perf_counter() - started
    changed = [list(r) for r in rows]
    for i, row in enumerate(changed):
        row[employees_at] = (row[employees_at] or 0) + 1
        row[phone_at] = f"023-8{i:07d}"
    changed_content = xlsx(changed)
    print(f"import of {len(rows):,} rows ({len(content) / 1e6:.1f} MB, built in {build:.1f} s) …", flush=True)
    try:
        steps = [timed_import("new rows (all created)", content, log),
                 timed_import("same file again (all unchanged)", content, log),
                 timed_import("every row changed (all updated)", changed_content, log)]
    finally:
        delete_imported([r[code_at] for r in rows])
    return {"file_mb": len(content) / 1e6, "steps": steps}


def bench_export(log: QueryLog) -> dict:
    from anying.core.models import User
    from anying.registry.excel import write_enterprises
    from anying.registry.models import Enterprise

    admin = User.objects.get(username="admin")
    print("export of everything admin sees …", flush=True)
    log.reset()
    started = time.perf_counter()
    buffer = io.BytesIO()
    count = write_enterprises(Enterprise.objects.visible_to(admin).order_by("region__path", "name"), buffer)
    return {"rows": count, "seconds": time.perf_counter() - started, "file_mb": len(buffer.getvalue()) / 1e6,
            "queries": log.count, "db_seconds": log.seconds}


# --- report ----------------------------------------------------------------------------------

def markdown(result: dict) -> str:
    env = result["environment"]
    out = [f"### {env['database']} — {env['enterprises']:,} enterprises, {env['when']}", "",
           f"{env['cpus']} CPUs, load average {env['load_before']:.1f} before and {env['load_after']:.1f} after; "
           f"Python {env['python']}, Django {env['django']}, anying {env.get('commit', '?')}.", "",
           "| measurement | requests | p50 ms | p95 ms | max ms | queries/request | DB ms p50 |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for kind in ("list", "api"):
        for user, r in result["web"][kind].items():
            flag = " ⚠" if kind == "list" and r["p95"] > LIST_TARGET_MS else ""
            out.append(f"| {'list page' if kind == 'list' else 'API list'} as {user} | {r['n']} | {r['p50']:.0f} | "
                       f"{r['p95']:.0f}{flag} | {r['max']:.0f} | {r['queries']} | {r['db_p50']:.0f} |")
    out += common.case_rows(result["web"], ("list", "api"))
    if "import" in result:
        out += ["", f"| import ({result['import']['file_mb']:.1f} MB .xlsx) | rows | seconds | queries | DB s |",
                "|---|---:|---:|---:|---:|"]
        for s in result["import"]["steps"]:
            flag = " ⚠" if s["seconds"] > IMPORT_TARGET_S else ""
            out.append(f"| {s['label']} | {s['rows']:,} | {s['seconds']:.1f}{flag} | {s['queries']} | {s['db_seconds']:.1f} |")
    if "export" in result:
        e = result["export"]
        out += ["", f"Export of all {e['rows']:,} enterprises visible to admin: {e['seconds']:.1f} s "
                    f"({e['file_mb']:.1f} MB, {e['queries']} queries, DB {e['db_seconds']:.1f} s)."]
    return "\n".join(out)


def environment() -> dict:
    import django
    from django.db import connection

    from anying.registry.models import Enterprise

    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        version = cursor.fetchone()[0]
    git = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=common.BENCH_DIR, capture_output=True, text=True)
    return {"database": f"{connection.vendor} {version}", "enterprises": Enterprise.objects.count(),
            "commit": git.stdout.strip(),
            "when": f"{datetime.now():%Y-%m-%d %H:%M}", "python": platform.python_version(),
            "django": django.get_version(), "cpus": os.cpu_count(), "machine": platform.machine(),
            # Other work on the machine shows up in p95; keep the load next to the figures.
            "load_before": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per user (list and API)")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7, help="seed of the import file (differs from generate's)")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()
    common.setup()
    from django.core.management import call_command
    from django.db import connection

    from anying.registry.models import Enterprise

    call_command("migrate", verbosity=0)  # data generated by an older version still measures the current one
    if not Enterprise.objects.exists():
        raise SystemExit("No enterprises in this database: run bench/generate.py first.")
    log = QueryLog()
    result = {"environment": environment(), "args": vars(args)}
    with connection.execute_wrapper(log):
        result["web"] = bench_web(args, log)
        if not args.skip_import:
            result["import"] = bench_import(args, log)
        if not args.skip_export:
            result["export"] = bench_export(log)
    result["environment"]["load_after"] = os.getloadavg()[0]
    common.OUT_DIR.mkdir(exist_ok=True)
    path = common.OUT_DIR / f"{common.db_label()}-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print("\n" + markdown(result) + f"\n\nJSON: {path}")


if __name__ == "__main__":
    main()
