"""The public 进山扫码 form under a crowd (issue #17 "Speed": p95 < 100 ms under 50 concurrent phones,
both databases).

A real server (`anying serve --no-worker`, waitress, the production entry point) on a database
with the demo district plus a fire season's worth of history (30 more checkpoints, 150,000 past
entries, so the indexes answer at realistic size). Then N phones (threads, 50 by default) start
together, each as a visitor would:

  1. GET  /forest/in/<token>/           the form (and the CSRF cookie)
  2. POST /forest/in/<token>/           name, phone, ID, purpose, fire source, pledge → 302
  3. GET  /forest/in/<token>/done/      the receipt with the 下山 button
  4. POST /forest/in/<token>/out/       下山 from the same phone (its cookie)

and again for --rounds rounds with a new phone number each time, with no pause between requests —
first with the pauses of people typing (paced), then with none at all (burst: every phone
re-sends the moment it is answered, a closed loop at full concurrency — harsher than any queue
of hikers at a barrier). Each phone connects from its own loopback address (127.10.x.y), so the
per-address rate limit counts each phone as the carrier would present it.

    .venv/bin/python bench/run_forest_entry.py --db sqlite --data-dir /tmp/bench-forest
    createdb -h 127.0.0.1 -U postgres anying_bench_forest
    .venv/bin/python bench/run_forest_entry.py --db postgres://postgres@127.0.0.1:5432/anying_bench_forest

Prints Markdown and writes bench/out/forest-entry-<db>-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

PORT = 8611
MARK = "基准检查站"
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_RE = re.compile(r'name="key" value="([^"]+)"')


def generate(checkpoints: int, entries: int) -> None:
    """Extra checkpoints and a season of past entries (bulk, straight to the tables)."""
    import datetime as dt
    import secrets

    from django.utils import timezone

    from anying.core.models import Organisation, Region
    from anying.forestfire import entry as entry_mod
    from anying.forestfire.models import Checkpoint, Entry
    from anying.places.models import Place

    towns = list(Region.objects.filter(level=Region.Level.TOWN))
    owner = Organisation.objects.exclude(kind=Organisation.Kind.ENTERPRISE).first()
    rng = random.Random(17)
    places = Place.objects.bulk_create([Place(name=f"{MARK}{n}", kind=Place.Kind.CHECKPOINT, owner=owner,
                                              region=rng.choice(towns)) for n in range(checkpoints)])
    cps = Checkpoint.objects.bulk_create([Checkpoint(place=p, token=secrets.token_urlsafe(16)[:22]) for p in places])
    today = timezone.localdate()
    batch = []
    for n in range(entries):
        day = today - dt.timedelta(days=1 + rng.randrange(180))
        t = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(6, 16), rng.randint(0, 59))))
        number = f"500224{rng.randint(1950, 2005)}0101{rng.randint(100, 999)}1"
        batch.append(Entry(checkpoint=rng.choice(cps), day=day, name="历史", phone=f"13{rng.randrange(10**9):09d}",
                           id_masked=entry_mod.mask(number), id_hash=f"{n:064x}", purpose="visit", fire_source="none",
                           pledge=True, level=rng.randint(1, 5), required=False, time_in=t,
                           time_out=t + dt.timedelta(hours=3), out_key=f"h{n:021d}"))
        if len(batch) == 5000:
            Entry.objects.bulk_create(batch)
            batch = []
    Entry.objects.bulk_create(batch)


server = common.server


stop = common.stop


def id_number(rng) -> str:
    from anying.forestfire.entry import CHECK, WEIGHTS

    body = f"500224{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + CHECK[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


class Phone(threading.Thread):
    def __init__(self, n: int, token: str, rounds: int, port: int, start: threading.Barrier, results: dict,
                 think: tuple[float, float] = (0, 0)):
        super().__init__(daemon=True)
        self.think = think
        self.n, self.token, self.rounds, self.port, self.start_line, self.results = n, token, rounds, port, start, results
        self.rng = random.Random(n)
        self.cookies: dict[str, str] = {}
        self.errors: list[str] = []

    def connect(self):
        # each phone from its own address (127.0.0.0/8 is all loopback), as the carrier presents it
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                          source_address=(f"127.10.{self.n // 250}.{self.n % 250 + 1}", 0))

    def pause(self):
        if self.think[1]:
            time.sleep(self.rng.uniform(*self.think))

    def request(self, conn, method, path, body=None):
        self.pause()
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            body = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        t0 = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        ms = (time.perf_counter() - t0) * 1000
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name.strip()] = rest.split(";")[0]
        return r.status, data.decode(errors="replace"), ms

    def run(self):
        conn = self.connect()
        base = f"/forest/in/{self.token}/"
        self.start_line.wait()
        for rnd in range(self.rounds):
            try:
                status, html, ms = self.request(conn, "GET", base)
                self.results["form"].append(ms)
                csrf = TOKEN_RE.search(html).group(1)
                phone = f"19{self.n:03d}{rnd:02d}{self.rng.randrange(10**4):04d}"
                status, _, ms = self.request(conn, "POST", base, {
                    "csrfmiddlewaretoken": csrf, "name": f"游客{self.n}", "phone": phone, "id_number": id_number(self.rng),
                    "people": "1", "purpose": "visit", "fire_source": "none", "pledge": "on"})
                self.results["submit"].append(ms)
                if status != 302:
                    self.errors.append(f"submit {status}")
                    continue
                status, html, ms = self.request(conn, "GET", base + "done/")
                self.results["receipt"].append(ms)
                key = KEY_RE.search(html)
                if status != 200 or key is None:
                    self.errors.append(f"receipt {status}")
                    continue
                status, _, ms = self.request(conn, "POST", base + "out/", {"csrfmiddlewaretoken": csrf,
                                                                           "key": key.group(1)})
                self.results["checkout"].append(ms)
                if status != 200:
                    self.errors.append(f"checkout {status}")
            except Exception as exc:  # noqa: BLE001 - a failed request is counted, the phone goes on
                self.errors.append(repr(exc)[:120])
                conn.close()
                conn = self.connect()


def pct(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def crowd(token: str, phones: int, rounds: int, port: int, think: tuple[float, float] = (0, 0)) -> dict:
    results = {"form": [], "submit": [], "receipt": [], "checkout": []}
    start = threading.Barrier(phones + 1)
    threads = [Phone(n, token, rounds, port, start, results, think) for n in range(phones)]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    start.wait()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    every = [v for vs in results.values() for v in vs]
    out = {"phones": phones, "rounds": rounds, "think_s": list(think), "seconds": round(seconds, 2), "requests": len(every),
           "rate": round(len(every) / seconds, 1), "errors": sum(len(t.errors) for t in threads),
           "error_kinds": sorted({e for t in threads for e in t.errors})[:5]}
    for kind, vs in [*results.items(), ("all", every)]:
        out[kind] = {"n": len(vs), "p50": round(pct(vs, 50), 1), "p95": round(pct(vs, 95), 1),
                     "p99": round(pct(vs, 99), 1), "max": round(max(vs), 1) if vs else None,
                     "mean": round(statistics.fmean(vs), 1) if vs else None}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite", help="sqlite, or a postgres:// URL")
    parser.add_argument("--data-dir", default=str(common.OUT_DIR / "forest-data"))
    parser.add_argument("--phones", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=6, help="visits per phone (paced)")
    parser.add_argument("--think", default="1,4", help="seconds a person takes between two requests: min,max")
    parser.add_argument("--burst-rounds", type=int, default=3, help="visits per phone with no pause (0: skip)")
    parser.add_argument("--threads", type=int, default=8, help="the server's threads")
    parser.add_argument("--checkpoints", type=int, default=30)
    parser.add_argument("--history", type=int, default=150_000, help="past entries to generate")
    args = parser.parse_args()
    if args.db == "sqlite":
        os.environ["ANYING_DATA_DIR"] = args.data_dir
        os.environ.pop("ANYING_DATABASE_URL", None)
    else:
        os.environ["ANYING_DATABASE_URL"] = args.db
    os.environ.setdefault("ANYING_DEBUG", "0")
    os.environ["ANYING_ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    common.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from anying.core.hooks import DEMO_LOADERS
    from anying.forestfire.models import Checkpoint, Entry

    if not Checkpoint.objects.exists():
        for loader in sorted(DEMO_LOADERS.values(), key=lambda d: d.order):
            loader.load(random.Random(2022))
    if not Checkpoint.objects.filter(place__name__startswith=MARK).exists():
        t0 = time.perf_counter()
        generate(args.checkpoints, args.history)
        print(f"generated {args.checkpoints} checkpoints and {args.history:,} past entries in "
              f"{time.perf_counter() - t0:.0f} s", flush=True)
    cp = Checkpoint.objects.filter(place__name="西山林场森林防火检查站").first() or Checkpoint.objects.first()
    db = connection.vendor
    version = connection.pg_version if db == "postgresql" else __import__("sqlite3").sqlite_version
    connection.close()
    env = dict(os.environ)
    proc = server(env, args.threads, PORT)
    try:
        warm = crowd(cp.token, 2, 2, PORT)  # a fresh server builds its URL map and templates once
        if warm["errors"]:
            raise SystemExit(f"warm-up failed: {warm['error_kinds']}")
        think = tuple(float(x) for x in args.think.split(","))
        paced = crowd(cp.token, args.phones, args.rounds, PORT, think)
        burst = crowd(cp.token, args.phones, args.burst_rounds, PORT) if args.burst_rounds else None
    finally:
        stop(proc)
    report = {"db": db, "version": str(version), "date": f"{datetime.now():%Y-%m-%d %H:%M}",
              "entries": Entry.objects.count(), "checkpoints": Checkpoint.objects.count(), "server_threads": args.threads,
              "load": os.getloadavg()[0], "cpus": os.cpu_count(), "paced": paced, "burst": burst}
    print(f"\n# 进山扫码 under {args.phones} phones — {db} {version} — {report['entries']:,} entries, "
          f"{report['checkpoints']} checkpoints; server threads {args.threads}; {report['cpus']} CPUs, "
          f"load {report['load']:.1f}")
    for title, result in ((f"paced: each phone pauses {think[0]:g}–{think[1]:g} s between requests (people typing)",
                           paced), ("burst: no pause at all (every phone re-sends the moment it is answered)", burst)):
        if result is None:
            continue
        print(f"\n## {title}\n\n| request | n | p50 ms | p95 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|")
        for kind, label in (("form", "GET form"), ("submit", "POST entry"), ("receipt", "GET receipt"),
                            ("checkout", "POST 下山"), ("all", "all")):
            r = result[kind]
            print(f"| {label} | {r['n']} | {r['p50']} | {r['p95']} | {r['p99']} | {r['max']} |")
        print(f"\n{result['requests']} requests in {result['seconds']} s ({result['rate']}/s); errors: "
              f"{result['errors']} {result['error_kinds'] or ''}")
    common.OUT_DIR.mkdir(exist_ok=True)
    out = common.OUT_DIR / f"forest-entry-{db}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1))
    print(f"written {out}")


if __name__ == "__main__":
    main()
