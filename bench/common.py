"""Django setup shared by the benchmark scripts (they run as plain `python bench/X.py`)."""

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anying.settings")
    os.environ.setdefault("ANYING_SECRET_KEY", "bench-only-not-secret")
    # django.test.Client sends Host: testserver.
    os.environ.setdefault("ANYING_ALLOWED_HOSTS", "testserver,localhost")
    if "ANYING_DATABASE_URL" not in os.environ:
        # Never fill the developer's ./data demo database with 100,000 rows by accident.
        os.environ.setdefault("ANYING_DATA_DIR", str(OUT_DIR / "data"))
    import django

    django.setup()


def db_label() -> str:
    from django.db import connection

    return connection.vendor  # "sqlite" or "postgresql"


def case_rows(pages: dict, kinds) -> list[str]:
    """The per-case Markdown table shared by run.py and run_hazards.py."""
    out = ["", "| case (user) | p50 ms | p95 ms | queries | DB ms p50 | slowest query ms |", "|---|---:|---:|---:|---:|---:|"]
    for kind in kinds:
        for user, r in pages[kind].items():
            for label, c in r["cases"].items():
                out.append(f"| {kind}: {label} ({user}) | {c['p50']:.0f} | {c['p95']:.0f} | {c['queries']} | "
                           f"{c['db_p50']:.0f} | {c['slowest_query_ms']:.0f} |")
            for label, status in r["failed"].items():
                out.append(f"| {kind}: {label} ({user}) | HTTP {status} | — | — | — | — |")
    return out


def server(env: dict, threads: int, port: int, probe: str = "/login/") -> subprocess.Popen:
    """The real server (`anying serve`, waitress) in its own process group, once `probe` answers."""
    anying = str(Path(sys.executable).with_name("anying"))
    proc = subprocess.Popen([anying, "serve", "--no-worker", "--port", str(port), "--threads", str(threads)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    for _ in range(300):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", probe)
            c.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not start: " + proc.stderr.read().decode()[-2000:])


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def timed(fn, runs: int) -> dict:
    """p50 and max milliseconds and the query count of `fn()` over `runs` runs, each in a
    transaction rolled back afterwards (a tick or an export changes nothing between runs)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    times, queries, result = [], 0, None
    for _ in range(runs):
        connection.queries_log.clear()  # a full log (9,000) would make the count read 0
        with transaction.atomic():
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                result = fn()
                times.append((time.perf_counter() - t) * 1000)
            queries = len(ctx)
            transaction.set_rollback(True)
    times.sort()
    return {"p50": times[len(times) // 2], "max": times[-1], "queries": queries, "result": result}
