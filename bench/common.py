"""Django setup shared by the benchmark scripts (they run as plain `python bench/X.py`)."""

import os
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
