"""Monitoring ingest at the issue's scale (issue #16 "Speed"): 1,000 enterprises with 2 installations,
100 sensors (100,000 sensors), 3 standard rules per sensor (高报, 高高报, 离线: 300,000 rules), one
gateway (device) and one enterprise user each — written with COPY (PostgreSQL) or executemany
(SQLite) — then measured:

  a. batch ingest with alarm evaluation: `ingest.parse` + `ingest.ingest` in-process, and
     POST /api/v1/monitoring/readings on a real server (`anying serve --no-worker`, waitress) from
     several client processes; batches of 1,000 / 5,000 / 10,000 readings (an enterprise's 100
     sensors × 10 / 50 / 100 seconds at 1 Hz, device time ≈ now). Target ≥ 100,000 readings/s (PG).
  b. a raw binary COPY (PostgreSQL; executemany on SQLite) of the same rows, batch by batch, into a
     plain table identical to the readings table (same columns and primary key): the ratio.
  c. a breaching reading's POST → its Alarm row and the enterprise's Notification row committed,
     at a background load of 10,000 readings/s over HTTP: p50 / p99 (target p99 < 1 s).
  d. `ingest.offline_scan` and `watch.run` at 100,000 sensors (1% gone silent, and none), and what
     that means for the offline detection delay against the reporting interval (10 s).
  e. the district board (/monitoring/board/) as the district admin, p95 (target < 300 ms).
  f. MQTT (`anying mqtt`, batched payloads to anying/readings/<gateway>): readings/s (≥ 50,000).

    createdb -h 127.0.0.1 -U postgres anying_bench_monitoring
    .venv/bin/python bench/run_monitoring.py --db postgres://postgres@127.0.0.1:5432/anying_bench_monitoring
    .venv/bin/python bench/run_monitoring.py --db sqlite --data-dir /tmp/bench-monitoring

The first run migrates, loads the demo district's accounts and generates; later runs only measure
(readings accumulate: use a fresh database for clean figures). Prints Markdown and writes
bench/out/monitoring-<db>-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import common

MARK = "bench-gw"  # the gateways' name: the generated data is found by it
HIGH, HIGH_HIGH = 80.0, 90.0
BREACH_EVERY = 10  # sensor PT-099 of every 10th enterprise sits above 高报 (steady alarm repeats)
PORT = 8765
STEP = 100  # ms between a sensor's readings (10 Hz): device time stays behind the clock even at 500,000 readings/s


def p(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(q * len(s)))] if s else float("nan")


def token_of(enterprise_id: int) -> str:
    return f"ayd_bench_{enterprise_id}"


# --- generation ---------------------------------------------------------------------------------

def generate(enterprises: int, per: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    import generate as registry_gen
    from anying.core.models import Role, User
    from anying.monitoring import ingest
    from anying.monitoring.models import AlarmRule, Device, Installation, Sensor
    from anying.registry.models import Enterprise
    from run_supplies import loader

    started = time.perf_counter()
    have = Enterprise.objects.filter(public_token__startswith=registry_gen.MARK).count()
    if have < enterprises:
        registry_gen.insert(registry_gen.make_faker(random.Random(16)), enterprises - have)
    ents = list(Enterprise.objects.filter(public_token__startswith=registry_gen.MARK).order_by("id")
                .values_list("id", "organisation_id", "name")[:enterprises])
    load = loader(connection)
    now = timezone.now()
    with transaction.atomic():
        insts = Installation.objects.bulk_create(
            [Installation(enterprise_id=e, name=f"压测储罐区{k + 1}", kind="storage", people_within_500m=20,
                          is_major=True, grade=3) for e, _, _ in ents for k in range(2)], batch_size=2000)
        sensors, sid = [], (Sensor.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        rules, rid = [], (AlarmRule.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        for n, (e, _, _) in enumerate(ents):
            for i in range(per):
                inst = insts[2 * n + (i * 2 // per)]
                sensors.append((sid, e, inst.pk, f"PT-{i:03d}", f"{i // 2 + 1}#储罐压力{i}", "pressure", "kPa", 0.0,
                                100.0, None, None, HIGH, HIGH_HIGH, 10, 3, True, None, None, None, 0, now, False))
                for kind, bound, level in (("threshold", "H", 2), ("threshold", "HH", 1), ("offline", "", 3)):
                    rules.append((rid, sid, kind, bound, None, None, None, level, True, True, None, 0))
                    rid += 1
                sid += 1
        load(Sensor, ["id", "enterprise", "installation", "code", "name", "kind", "unit", "range_low", "range_high",
                      "low_low", "low", "high", "high_high", "interval_seconds", "offline_after", "is_active",
                      "last_at", "last_value", "offline_since", "version", "created_at", "is_demo"], sensors)
        load(AlarmRule, ["id", "sensor", "kind", "bound", "seconds", "count", "rate_per_minute", "level",
                         "is_standard", "is_active", "run_since", "run_count"], rules)
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                for model in (Sensor, AlarmRule):
                    table = model._meta.db_table
                    cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM "
                                f"\"{table}\"))")
        Device.objects.bulk_create([Device(enterprise_id=e, name=MARK, token_hash=ingest.token_hash(token_of(e)),
                                           token_hint=token_of(e)[-4:]) for e, _, _ in ents], batch_size=2000)
        password = make_password(None)
        User.objects.bulk_create([User(username=f"bench-ent-{e}", role=Role.ENTERPRISE_USER, unit_id=org,
                                       display_name=f"{name[:8]}安全员", password=password)
                                  for e, org, name in ents], batch_size=2000)
        ingest.changed()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"generated {len(ents):,} enterprises' monitoring: {len(insts):,} installations, {len(sensors):,} sensors, "
          f"{len(rules):,} rules, {len(ents):,} devices and users in {time.perf_counter() - started:.0f} s", flush=True)


def plan() -> list[tuple[int, list[str]]]:
    """[(enterprise id, its sensor codes)] of the generated gateways."""
    from anying.monitoring.models import Device, Sensor

    ents = list(Device.objects.filter(name=MARK).order_by("enterprise_id").values_list("enterprise_id", flat=True))
    codes: dict[int, list[str]] = {e: [] for e in ents}
    for e, code in Sensor.objects.filter(enterprise_id__in=ents).order_by("code").values_list("enterprise_id", "code"):
        codes[e].append(code)
    return [(e, codes[e]) for e in ents]


# --- readings -----------------------------------------------------------------------------------

class Clock:
    """Each enterprise's device-time cursor: readings STEP ms apart, never repeating one, kept near now."""

    def __init__(self):
        from django.db.models import Max

        from anying.monitoring.models import Sensor
        from anying.monitoring.timeseries import ms

        # after the newest reading of an earlier run (those are kept: never a duplicate)
        newest = Sensor.objects.aggregate(t=Max("last_at"))["t"]
        self.start = ms(newest) + STEP if newest else 0
        self.cursor: dict[int, int] = {}

    def take(self, enterprise_id: int, seconds: int) -> int:
        floor = max((int(time.time()) - 120) * 1000, self.start)
        start = max(self.cursor.get(enterprise_id, 0), floor)
        self.cursor[enterprise_id] = start + seconds * STEP
        return start


def body(enterprise_id: int, codes: list[str], start: int, seconds: int, rng: random.Random) -> bytes:
    """A gateway's JSON batch: every sensor × `seconds` readings; PT-099 of every 10th enterprise breaches 高报."""
    breach = enterprise_id % BREACH_EVERY == 0
    parts = []
    for k in range(seconds):
        t = start + k * STEP
        for code in codes:
            v = 85.0 + rng.random() if breach and code == "PT-099" else round(30 + rng.random() * 30, 3)
            parts.append(f'{{"sensor":"{code}","ts":{t},"value":{v}}}')
    return ("[" + ",".join(parts) + "]").encode()


def batches(targets, clock: Clock, size: int, count: int, seed: int):
    """`count` (enterprise, body) pairs of `size` readings, round-robin over the enterprises."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        e, codes = targets[n % len(targets)]
        seconds = max(1, size // len(codes))
        out.append((e, body(e, codes, clock.take(e, seconds), seconds, rng)))
    return out


def rows_of(e_ids: dict, payload: bytes) -> list[tuple[int, int, float]]:
    return [(e_ids[r["sensor"]], r["ts"], r["value"]) for r in json.loads(payload)]


# --- a. in-process, b. raw COPY -------------------------------------------------------------------

def in_process(targets, clock, size: int, seconds: float, copy_too: bool) -> dict:
    from django.db import connection, transaction

    from anying.monitoring import ingest
    from anying.monitoring.models import Device, Sensor

    devices = {d.enterprise_id: d for d in Device.objects.filter(name=MARK)}
    warm_up(targets)
    # ~3 s of batches at a time: built outside the timed part
    per_round = max(1, int(150_000 * 3 / size))
    stored = received = 0
    elapsed = 0.0
    batches_done = 0
    copied_rows: list[list[tuple]] = []
    ids = {}
    while elapsed < seconds:
        work = batches(targets, clock, size, per_round, seed=size + batches_done)
        for e, payload in work:
            started = time.perf_counter()
            _, items = ingest.parse(payload, "application/json")
            result = ingest.ingest(devices[e], items)
            elapsed += time.perf_counter() - started
            stored += result.stored
            received += result.received
            batches_done += 1
            if copy_too:
                if e not in ids:
                    ids[e] = dict(Sensor.objects.filter(enterprise_id=e).values_list("code", "id"))
                copied_rows.append(rows_of(ids[e], payload))
            if elapsed >= seconds:
                break
    out = {"batch": size, "batches": batches_done, "received": received, "stored": stored, "seconds": elapsed,
           "rate": stored / elapsed}
    if copy_too:
        total, spent = 0, 0.0
        with connection.cursor() as cur:
            for rows in copied_rows:
                started = time.perf_counter()
                with transaction.atomic():
                    if connection.vendor == "postgresql":
                        raw = cur.cursor if hasattr(cur, "cursor") else cur
                        with raw.copy("COPY bench_reading_copy (sensor_id, t, value) FROM STDIN (FORMAT BINARY)") as cp:
                            cp.set_types(["int4", "int8", "float8"])
                            for row in rows:
                                cp.write_row(row)
                    else:
                        cur.executemany("INSERT INTO bench_reading_copy (sensor_id, t, value) VALUES (%s, %s, %s)",
                                        rows)
                spent += time.perf_counter() - started
                total += len(rows)
        out["copy_rate"] = total / spent
        out["copy_seconds"] = spent
        out["ratio"] = out["rate"] / out["copy_rate"]
    return out


def warm_up(targets) -> float:
    """Each enterprise's sensors into the ingest cache (once per process, and again after any
    change to sensors, rules or devices): returns ms per enterprise."""
    from anying.monitoring import ingest

    ingest.CACHE.check()
    started = time.perf_counter()
    for e, _codes in targets:
        ingest.CACHE.sensors(e)
    return (time.perf_counter() - started) * 1000 / len(targets)


def warm_server(targets, clock, port: int) -> None:
    """One small batch per gateway, so the server's cache is warm before timing."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for e, codes in targets:
        payload = body(e, codes[:1], clock.take(e, 1), 1, random.Random(e))
        conn.request("POST", "/api/v1/monitoring/readings", body=payload,
                     headers={"Authorization": f"Bearer {token_of(e)}", "Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        assert response.status == 200, response.status


def copy_table() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_reading_copy")
        if connection.vendor == "postgresql":
            cur.execute("CREATE TABLE IF NOT EXISTS bench_reading_copy (sensor_id integer NOT NULL, t bigint NOT NULL, "
                        "value double precision NOT NULL, PRIMARY KEY (sensor_id, t))")
        else:
            cur.execute("CREATE TABLE IF NOT EXISTS bench_reading_copy (sensor_id integer NOT NULL, t bigint NOT NULL, "
                        "value real NOT NULL, PRIMARY KEY (sensor_id, t)) WITHOUT ROWID")


# --- a. over HTTP ---------------------------------------------------------------------------------

def server(env: dict, threads: int, port: int):
    return common.server(env, threads, port, probe="/api/v1/monitoring/readings")


stop = common.stop


def poster(port: int, work: list, start_at: float, seconds: float, pace: float, queue) -> None:
    """Post the prepared batches (keep-alive) from start_at until `seconds` have passed; `pace` > 0
    is readings/s for this client (the background load), else as fast as possible."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    while time.time() < start_at:
        time.sleep(0.001)
    began = time.perf_counter()
    stored = sent = n = errors = 0
    lat = []
    for e, payload in work:
        if time.perf_counter() - began >= seconds:
            break
        if pace:
            due = began + sent / pace
            while time.perf_counter() < due:
                time.sleep(0.0005)
        t0 = time.perf_counter()
        conn.request("POST", "/api/v1/monitoring/readings", body=payload,
                     headers={"Authorization": f"Bearer {token_of(e)}", "Content-Type": "application/json"})
        response = conn.getresponse()
        data = response.read()
        lat.append(time.perf_counter() - t0)
        if response.status != 200:
            errors += 1
            continue
        stored += json.loads(data)["stored"]
        sent += payload.count(b'"sensor"')
        n += 1
    queue.put({"stored": stored, "batches": n, "errors": errors, "seconds": time.perf_counter() - began,
               "lat": lat})


def over_http(targets, clock, size: int, seconds: float, clients: int, port: int, pace: float = 0.0) -> dict:
    """Clients in their own processes (each its own enterprises, so device times never collide)."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    expected = (pace or 200_000) * seconds * 1.3
    per_client = max(2, int(expected / size / clients) + 1)
    procs = []
    start_at = time.time() + 2 + per_client * clients * size / 400_000  # time to build the bodies
    for c in range(clients):
        mine = targets[c::clients]
        work = batches(mine, clock, size, per_client, seed=c * 7919 + size)
        procs.append(ctx.Process(target=poster, args=(port, work, start_at, seconds, pace / clients if pace else 0,
                                                      queue)))
    for proc in procs:
        proc.start()
    results = [queue.get() for _ in procs]
    for proc in procs:
        proc.join()
    stored = sum(r["stored"] for r in results)
    spent = max(r["seconds"] for r in results)
    lat = [x for r in results for x in r["lat"]]
    return {"batch": size, "clients": clients, "batches": sum(r["batches"] for r in results), "stored": stored,
            "errors": sum(r["errors"] for r in results), "seconds": spent, "rate": stored / spent,
            "post_p50_ms": p(lat, 0.5) * 1000, "post_p99_ms": p(lat, 0.99) * 1000,
            "ran_out": any(r["seconds"] < seconds * 0.95 for r in results)}


# --- c. breach → alarm + notification under load ---------------------------------------------------

def latency(targets, clock, port: int, probes: int, load_rate: float) -> dict:
    from django.db import connection
    from django.urls import reverse

    from anying.core.models import Notification
    from anying.monitoring.models import Alarm, Sensor

    # probes use the first 5 enterprises (sensors PT-000…), the load the others
    probe_ents, load_targets = targets[:5], targets[5:]
    probe_sensors = [(e, code) for e, codes in probe_ents for code in codes[:max(1, probes // 5 + 2)]]
    sensor_ids = {(e, c): i for e, c, i in Sensor.objects.filter(enterprise_id__in=[e for e, _ in probe_ents])
                  .values_list("enterprise_id", "code", "id")}
    Alarm.objects.filter(sensor_id__in=sensor_ids.values(), is_active=True).update(is_active=False, status="cleared")
    seconds = probes * 0.25 + 10
    load = threading.Thread(daemon=True, target=lambda: results.update(
        over_http(load_targets, clock, 1000, seconds, 2, port, pace=load_rate)))
    results: dict = {}
    load.start()
    time.sleep(4)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    samples, posts = [], []
    for n in range(-1, probes):  # the first one is not counted: a fresh server's first alarm builds its URL map
        e, code = probe_sensors[n + 1]
        t = clock.take(e, 1)
        payload = json.dumps([{"sensor": code, "ts": t, "value": 85.5}]).encode()
        sid = sensor_ids[(e, code)]
        t0 = time.perf_counter()
        conn.request("POST", "/api/v1/monitoring/readings", body=payload,
                     headers={"Authorization": f"Bearer {token_of(e)}", "Content-Type": "application/json"})
        response = conn.getresponse()
        answer = response.read()
        posts.append(time.perf_counter() - t0)
        while True:  # the alarm row and its notification, seen from another connection
            alarm = Alarm.objects.filter(sensor_id=sid, is_active=True).values_list("id", flat=True).first()
            if alarm and Notification.objects.filter(url=reverse("alarm_detail", args=[alarm])).exists():
                break
            if time.perf_counter() - t0 > 30:
                raise RuntimeError(f"no alarm or notification for sensor {sid}: {response.status} {answer[:300]}")
            time.sleep(0.002)
        if n >= 0:
            samples.append(time.perf_counter() - t0)
        time.sleep(0.2)
    load.join()
    connection.close()
    return {"probes": len(samples), "p50_ms": p(samples, 0.5) * 1000, "p99_ms": p(samples, 0.99) * 1000,
            "max_ms": max(samples) * 1000, "post_p50_ms": p(posts, 0.5) * 1000,
            "load_rate": results.get("rate"), "load_post_p99_ms": results.get("post_p99_ms")}


# --- d. offline, e. board -------------------------------------------------------------------------

def offline(silent_share: float = 0.01) -> dict:
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from anying.monitoring import ingest, watch
    from anying.monitoring.models import Alarm, Sensor

    now = timezone.now()
    Alarm.objects.filter(kind="offline", is_active=True).update(is_active=False, status="cleared")
    Sensor.objects.update(last_at=now - dt.timedelta(seconds=5), offline_since=None, last_value=40)
    ids = list(Sensor.objects.filter(enterprise__devices__name=MARK).values_list("id", flat=True))
    silent = ids[:: int(1 / silent_share)]
    for start in range(0, len(silent), 5000):
        Sensor.objects.filter(pk__in=silent[start:start + 5000]).update(last_at=now - dt.timedelta(seconds=40))
    with connection.cursor() as cur:
        cur.execute("ANALYZE monitoring_sensor")
    out = {"sensors": Sensor.objects.count(), "silent": len(silent)}
    started = time.perf_counter()
    out["raised"] = ingest.offline_scan(now)
    out["scan_found_ms"] = (time.perf_counter() - started) * 1000
    quiet = []
    for k in range(5):
        started = time.perf_counter()
        ingest.offline_scan(now + dt.timedelta(milliseconds=k))
        quiet.append((time.perf_counter() - started) * 1000)
    out["scan_none_ms"] = statistics.median(quiet)
    started = time.perf_counter()
    watch.run(now + dt.timedelta(seconds=1))
    out["watch_first_ms"] = (time.perf_counter() - started) * 1000
    steady = []
    for k in range(3):
        started = time.perf_counter()
        watch.run(now + dt.timedelta(seconds=2 + k))
        steady.append((time.perf_counter() - started) * 1000)
    out["watch_ms"] = statistics.median(steady)
    interval, beat = 10, 10
    out["worst_delay_s"] = beat + max(out["scan_found_ms"], out["watch_ms"]) / 1000
    out["target_s"] = 2 * interval
    return out


def quiet() -> None:
    """Every sensor heard just now and no 离线 alarm active: the state before a throughput run
    (part d leaves 1% of the sensors offline; a stopped run leaves them all silent)."""
    from django.utils import timezone

    from anying.monitoring.models import Alarm, Sensor

    now = timezone.now()
    Alarm.objects.filter(kind="offline", is_active=True).update(is_active=False, status="cleared")
    Sensor.objects.update(offline_since=None)
    # never backwards: the Clock starts after the newest reading stored
    Sensor.objects.filter(last_at__lt=now).update(last_at=now)


def board(requests: int) -> dict:
    from django.test import Client

    from anying.core.models import User
    from anying.monitoring.models import Alarm

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    samples = []
    for n in range(requests + 2):
        started = time.perf_counter()
        response = client.get("/monitoring/board/")
        assert response.status_code == 200, response.status_code
        if n >= 2:
            samples.append((time.perf_counter() - started) * 1000)
    return {"requests": requests, "p50_ms": statistics.median(samples), "p95_ms": p(samples, 0.95),
            "active_alarms": Alarm.objects.filter(is_active=True).count()}


def raise_some(targets, clock, count: int) -> None:
    """`count` active 高报 alarms spread over the enterprises (the board's list)."""
    from anying.monitoring import ingest
    from anying.monitoring.models import Device

    devices = {d.enterprise_id: d for d in Device.objects.filter(name=MARK)}
    for n in range(count):
        e, codes = targets[(n * 37) % len(targets)]
        ingest.ingest(devices[e], [(codes[n % 50 + 10], clock.take(e, 1), 83.0)])


# --- f. MQTT --------------------------------------------------------------------------------------

class MqttRun:
    """`anying mqtt` on a topic of the bench's own (no other subscriber sees it), with its watch off
    (part d times the watch; in the command it runs on the same thread every 10 s). Its one worker
    parses, stores and evaluates. A backlog of batched payloads is published; readings/s =
    readings / time from the first publish until the last message is stored, which a marker
    reading (last on the same topic, so the broker keeps it last) shows in its sensor's latest
    value. The backlog stays under Mosquitto's 1,000 queued messages per client plus the
    command's queue of 1,000, so nothing is dropped."""

    def __init__(self, targets, clock, env: dict, host: str, port: int):
        import paho.mqtt.client as mqtt

        self.targets, self.clock = targets, clock
        prefix = f"anying-bench-{os.getpid()}"
        anying = str(Path(sys.executable).with_name("anying"))
        self.proc = subprocess.Popen([anying, "mqtt", "--url", f"mqtt://{host}:{port}", "--topic",
                                      f"{prefix}/readings/#", "--watch-every", "0"], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.topic = f"{prefix}/readings/gateways"
        self.pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"{prefix}-publisher")
        self.pub.connect(host, port)
        self.pub.loop_start()
        for _ in range(60):  # until the command has subscribed (a message before that is lost)
            try:
                self.send([], timeout=2)
                break
            except RuntimeError:
                continue

    def send(self, work, timeout: float = 900) -> tuple[float, float]:
        from anying.monitoring import timeseries as ts
        from anying.monitoring.models import Sensor

        e, codes = self.targets[-1]
        started = time.perf_counter()
        for e_, payload in work:
            message = b'{"token":"' + token_of(e_).encode() + b'","readings":' + payload + b"}"
            self.pub.publish(self.topic, message, qos=1).wait_for_publish(60)
        published = time.perf_counter() - started
        marker_t, mark = self.clock.take(e, 1), round(random.random() * 10, 6) + 12
        marker = Sensor.objects.get(enterprise_id=e, code=codes[0])
        self.pub.publish(self.topic, json.dumps({"token": token_of(e), "readings": [
            {"sensor": codes[0], "ts": marker_t, "value": mark}]}), qos=1).wait_for_publish(60)
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            marker.refresh_from_db(fields=["last_at", "last_value"])
            if marker.last_at and ts.ms(marker.last_at) == marker_t and marker.last_value == mark:
                break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"the MQTT backlog was not drained in {timeout:.0f} s")
        return published, time.perf_counter() - started

    def warm(self) -> float:
        """One small message per gateway: the command's configuration cache filled."""
        return self.send([(e, body(e, codes[:1], self.clock.take(e, 1), 1, random.Random(e)))
                          for e, codes in self.targets])[1]

    def run(self, size: int, seconds: float) -> dict:
        messages = min(int(80_000 * seconds / size) + 1, 1500)
        work = batches(self.targets, self.clock, size, messages, seed=size * 13)
        published, spent = self.send(work)
        total = messages * size
        return {"batch": size, "messages": messages, "published": total, "publish_seconds": published,
                "seconds": spent, "rate": total / spent}

    def close(self) -> None:
        self.pub.loop_stop()
        self.pub.disconnect()
        stop(self.proc)


# --- main -----------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite", help="sqlite, or a postgres:// URL")
    parser.add_argument("--data-dir", default="/tmp/bench-monitoring", help="SQLite's ANYING_DATA_DIR")
    parser.add_argument("--enterprises", type=int, default=1000)
    parser.add_argument("--sensors-per-enterprise", type=int, default=100)
    parser.add_argument("--batches", default="1000,5000,10000", help="batch sizes (readings)")
    parser.add_argument("--seconds", type=float, default=15, help="each throughput run")
    parser.add_argument("--clients", type=int, default=4, help="HTTP client processes")
    parser.add_argument("--threads", type=int, default=8, help="the server's threads")
    parser.add_argument("--probes", type=int, default=100)
    parser.add_argument("--load-rate", type=float, default=10_000, help="background readings/s during the probes")
    parser.add_argument("--requests", type=int, default=40, help="board requests")
    parser.add_argument("--only", default="a,b,http,c,d,e", help="parts to run: a,b,http,c,d,e,mqtt")
    parser.add_argument("--mqtt-host", default="127.0.0.1")
    parser.add_argument("--mqtt-port", type=int, default=1883)
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
    from anying.core import demo as core_demo
    from anying.core.models import User
    from anying.monitoring.models import Device, Sensor

    if not User.objects.filter(username="admin").exists():
        core_demo.load(random.Random(1))
    if not Device.objects.filter(name=MARK).exists():
        generate(args.enterprises, args.sensors_per_enterprise)
    copy_table()
    targets = plan()
    only = set(args.only.split(","))
    if only & {"a", "http", "c", "mqtt"}:
        quiet()
    clock = Clock()
    only = set(args.only.split(","))
    sizes = [int(s) for s in args.batches.split(",")]
    env = dict(os.environ)
    db = connection.vendor
    version = connection.pg_version if db == "postgresql" else __import__("sqlite3").sqlite_version
    report: dict = {"db": db, "version": str(version), "date": f"{datetime.now():%Y-%m-%d %H:%M}",
                    "sensors": Sensor.objects.count(), "enterprises": len(targets), "load": os.getloadavg()[0]}
    print(f"\n# Monitoring ingest — {db} {version} — {report['sensors']:,} sensors, {len(targets):,} gateways", flush=True)
    if "a" in only:
        report["config_load_ms_per_enterprise"] = warm_up(targets)
        print(f"configuration cache: {report['config_load_ms_per_enterprise']:.1f} ms per enterprise of "
              f"{args.sensors_per_enterprise} sensors (once per process and after each change)", flush=True)
        report["in_process"] = []
        for size in sizes:
            r = in_process(targets, clock, size, args.seconds, copy_too="b" in only)
            report["in_process"].append(r)
            extra = (f"; raw COPY {r['copy_rate']:,.0f}/s, ratio {r['ratio']:.2f}" if "copy_rate" in r else "")
            print(f"in-process batch {size:,}: {r['rate']:,.0f} readings/s ({r['stored']:,} in {r['seconds']:.1f} s)"
                  + extra, flush=True)
    if only & {"http", "c"}:
        proc = server(env, args.threads, PORT)
        try:
            warm_server(targets, clock, PORT)
            if "http" in only:
                report["http"] = []
                for size in sizes:
                    r = over_http(targets, clock, size, args.seconds, args.clients, PORT)
                    report["http"].append(r)
                    print(f"HTTP batch {size:,} ({args.clients} clients, {args.threads} threads): {r['rate']:,.0f} "
                          f"readings/s; POST p50 {r['post_p50_ms']:.0f} ms p99 {r['post_p99_ms']:.0f} ms; "
                          f"errors {r['errors']}{' (clients ran out of batches)' if r['ran_out'] else ''}", flush=True)
            if "c" in only:
                r = report["latency"] = latency(targets, clock, PORT, args.probes, args.load_rate)
                print(f"breach → alarm + notification at {r['load_rate'] or 0:,.0f} readings/s background: "
                      f"p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms, max {r['max_ms']:.0f} ms "
                      f"({r['probes']} probes)", flush=True)
        finally:
            stop(proc)
    if "d" in only:
        r = report["offline"] = offline()
        print(f"offline_scan at {r['sensors']:,} sensors: {r['scan_found_ms']:.0f} ms finding {r['silent']:,} silent "
              f"(raised {r['raised']:,}), {r['scan_none_ms']:.0f} ms finding none; watch.run {r['watch_first_ms']:.0f} "
              f"ms first, {r['watch_ms']:.0f} ms steady; worst detection delay ≈ {r['worst_delay_s']:.1f} s after "
              f"the offline threshold (target {r['target_s']} s = 2 intervals)", flush=True)
    if "e" in only:
        raise_some(targets, clock, 300)
        r = report["board"] = board(args.requests)
        print(f"district board (admin), {r['active_alarms']:,} active alarms: p50 {r['p50_ms']:.0f} ms, "
              f"p95 {r['p95_ms']:.0f} ms", flush=True)
    if "mqtt" in only:
        report["mqtt"] = []
        mqtt_run = MqttRun(targets, clock, env, args.mqtt_host, args.mqtt_port)
        try:
            report["mqtt_warm_seconds"] = mqtt_run.warm()
            for size in sizes:
                r = mqtt_run.run(size, args.seconds)
                report["mqtt"].append(r)
                print(f"MQTT batch {size:,}: {r['rate']:,.0f} readings/s ({r['published']:,} readings in "
                      f"{r['messages']:,} messages, all stored in {r['seconds']:.1f} s; published in "
                      f"{r['publish_seconds']:.1f} s)", flush=True)
        finally:
            mqtt_run.close()
    common.OUT_DIR.mkdir(exist_ok=True)
    out = common.OUT_DIR / f"monitoring-{db}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1))
    print(f"\n(written to {out.relative_to(common.BENCH_DIR.parent)})")


if __name__ == "__main__":
    main()
