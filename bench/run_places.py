"""Measure the one map and the nearest search (issue #14) on the configured database:

- nearest 10 resources to a random point among 100,000 places (target p95 < 100 ms);
- a map layer's answer at district extent (grid cells) and at street zoom (points), and the map
  page itself, for 100,000 enterprises (generate.py) — and, with --browser, the first paint of the
  map page in Debian chromium: from navigation until the enterprise layer has drawn (target < 2 s).

Fill the database with generate.py --enterprises 100000 first; this script adds the 100,000
places itself (bulk inserts, name prefix "bench-", reused on later runs).

    ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_bench .venv/bin/python bench/run_places.py --browser
    ANYING_DATA_DIR=/tmp/bench-sqlite .venv/bin/python bench/run_places.py

Prints Markdown and writes bench/out/places-<db>-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import datetime
from decimal import Decimal

import common
from run import QueryLog, environment, percentiles, timed_requests

PLACES = 100_000
BOX = {"lat": (29.70, 30.05), "lon": (105.80, 106.15)}  # generate.py's enterprises lie here (铜梁区)


def places(n: int) -> int:
    """`n` bench places (shelters of 区应急局, 10% dispatchable) over the district, made once."""
    from anying.core.models import Organisation
    from anying.places.models import Place

    have = Place.objects.filter(name__startswith="bench-").count()
    if have >= n:
        return have
    bureau = Organisation.objects.get(name="区应急局")
    rng = random.Random(2026)
    batch = []
    for i in range(have, n):
        batch.append(Place(name=f"bench-避难场所{i}", kind=Place.Kind.SHELTER, owner=bureau, region_id=bureau.region_id,
                           dispatchable=i % 10 == 0, capacity=500,
                           latitude=Decimal(f"{rng.uniform(*BOX['lat']):.6f}"),
                           longitude=Decimal(f"{rng.uniform(*BOX['lon']):.6f}")))
        if len(batch) == 5000:
            Place.objects.bulk_create(batch)
            batch = []
    Place.objects.bulk_create(batch)
    return n


def nearest_times(user, count: int) -> dict:
    from anying.places import layers
    from anying.places.nearest import nearest

    layer = layers.REGISTRY["shelters"]
    rng = random.Random(7)
    nearest(layer, user, 29.9, 106.0, limit=10)  # warm-up
    times = []
    for _ in range(count):
        lat, lon = rng.uniform(*BOX["lat"]), rng.uniform(*BOX["lon"])
        started = time.perf_counter()
        hits = nearest(layer, user, lat, lon, limit=10)
        times.append((time.perf_counter() - started) * 1000)
        assert len(hits) == 10
    return percentiles(times)


def first_paint(username: str) -> list[float] | None:
    """Milliseconds from navigating to /map/ until the enterprise layer has answered and drawn,
    in headless Debian chromium against a live server on this database."""
    import shutil
    import subprocess
    import sys
    import urllib.request

    chromium = shutil.which("chromium")
    if not chromium:
        return None
    from playwright.sync_api import sync_playwright

    port = 8765
    server = subprocess.Popen([sys.executable, "-m", "anying", "runserver", "--noreload", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://localhost:{port}/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium)
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(f"http://localhost:{port}/login/")
            page.fill("#id_username", username)
            from anying.core.demo import DEMO_PASSWORD

            page.fill("#id_password", DEMO_PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_url(f"http://localhost:{port}/")
            times = []
            for _ in range(3):
                started = time.perf_counter()
                page.goto(f"http://localhost:{port}/map/")
                page.wait_for_function("document.querySelector('[data-count=enterprises]').textContent.length > 0")
                times.append((time.perf_counter() - started) * 1000)
            browser.close()
        return times  # the first with cold caches (extent, cells), then two warm
    finally:
        server.terminate()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--places", type=int, default=PLACES)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--browser", action="store_true", help="also time the map's first paint in chromium")
    args = parser.parse_args()
    common.setup()
    from django.db import connection
    from django.test import Client

    from anying.core.models import User
    from anying.registry.models import Enterprise

    made = places(args.places)
    admin = User.objects.get(username="admin")
    report = {"environment": environment(), "places": made,
              "enterprises_with_coordinates": Enterprise.objects.filter(latitude__isnull=False).count()}
    report["nearest"] = nearest_times(admin, args.requests)
    client = Client()
    client.force_login(admin)
    log = QueryLog()
    with connection.execute_wrapper(log):
        report["pages"] = timed_requests(client, log, [
            ("map page", "/map/"),
            ("enterprises, district extent (cells)", "/map/layers/enterprises/?bbox=105.80,29.70,106.15,30.05"),
            ("enterprises, street zoom (points)", "/map/layers/enterprises/?bbox=105.95,29.85,105.97,29.87"),
            ("nearest, all resource layers", "/map/nearest/?lat=29.88&lon=105.98"),
        ], args.requests)
    if args.browser:
        report["first_paint_ms"] = first_paint("admin")
    env = report["environment"]
    lines = [f"# 一张图 and nearest search — {env['database']}, {report['enterprises_with_coordinates']:,} enterprises, "
             f"{made:,} places", "",
             f"nearest 10 among {made:,} places (function): p50 {report['nearest']['p50']:.1f} ms, "
             f"p95 {report['nearest']['p95']:.1f} ms (target p95 < 100 ms)", "",
             "| request | p50 ms | p95 ms | queries |", "|---|---:|---:|---:|"]
    for label, c in report["pages"]["cases"].items():
        lines.append(f"| {label} | {c['p50']:.0f} | {c['p95']:.0f} | {c['queries']} |")
    if args.browser:
        fp = report["first_paint_ms"]
        lines += ["", (f"map first paint in chromium: {fp[0]:.0f} ms with cold caches, then {fp[1]:.0f} and "
                       f"{fp[2]:.0f} ms (target < 2000 ms)") if fp else "chromium not found: first paint not measured"]
    print("\n".join(lines))
    common.OUT_DIR.mkdir(exist_ok=True)
    path = common.OUT_DIR / f"places-{connection.vendor}-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()
