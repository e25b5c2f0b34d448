"""Measure enforcement (issue #4) on the configured database, over the enterprises that
generate.py made (100,000 for the issue's target):

    ANYING_DATA_DIR=/tmp/bench-sqlite .venv/bin/python bench/run_inspections.py
    ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_bench .venv/bin/python bench/run_inspections.py

(a) annual plan generation for the 区安委办 (territorial: every enterprise of the district), three
    times — the first creates the plan, the next two regenerate the draft (delete + insert) —
    target < 30 s. The plan is deleted afterwards.

(b) the monthly 三个强度 report (all town offices and departments, as admin) for the last full
    month, 20 times — target < 2 s on PostgreSQL over 1,000,000 inspections
    (bench/generate_inspections.py).

Prints Markdown and writes bench/out/inspections-<db>-<timestamp>.json.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta

from django.utils import timezone

import common

PLAN_TARGET_S = 30
REPORT_TARGET_S = 2


def bench_report(runs: int = 20) -> dict:
    import statistics

    from anying.core.models import User
    from anying.inspections import intensity
    from anying.inspections.models import Inspection

    admin = User.objects.select_related("unit").get(username="admin")
    last = datetime.now().date().replace(day=1) - timedelta(days=1)
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        data = intensity.report(admin, last.year, last.month)
        seconds.append(time.perf_counter() - started)
    start, end = intensity.month_range(last.year, last.month)
    return {"inspections": Inspection.objects.count(), "month": f"{last:%Y-%m}",
            "month_inspections": sum(r.inspections for rows in data.values() for r in rows),
            "p50": statistics.median(seconds), "max": max(seconds)}


def bench_plan(runs: int = 3) -> dict:
    from anying.core.models import Organisation
    from anying.core.permissions import SYSTEM
    from anying.inspections import plans
    from anying.inspections.models import InspectionPlan
    from anying.registry.models import Enterprise

    unit = Organisation.objects.get(name="区安委办")
    year = datetime.now().year
    InspectionPlan.objects.filter(unit=unit, year=year).delete()
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        plan = plans.generate(SYSTEM, unit, year)
        seconds.append(time.perf_counter() - started)
    items = plan.items.count()
    load = [r["planned"] for r in plans.progress(plan)]
    plan.delete()
    return {"enterprises": Enterprise.objects.count(), "items": items, "seconds": seconds,
            "monthly_min": min(load), "monthly_max": max(load)}


DRAW_TARGET_S = 2


def bench_draw(inspectors: int = 500, targets: int = 100, runs: int = 5) -> dict:
    """A draw by the 区安委办 from every operating enterprise of the district and 500 inspectors
    (made for the run and deleted after), then its verification."""
    import datetime as dt

    from anying.core.models import Organisation
    from anying.core.permissions import SYSTEM
    from anying.inspections import draws
    from anying.inspections.models import Draw, Inspector

    unit = Organisation.objects.get(name="区安委办")
    Inspector.objects.filter(certificate_no__startswith="BENCH").delete()
    Inspector.objects.bulk_create([Inspector(unit=unit, name=f"执法{i}", certificate_no=f"BENCH{i:04d}",
                                             certificate_expiry=timezone.localdate() + dt.timedelta(days=365))
                                   for i in range(inspectors)])
    seconds, verify_seconds = [], []
    for _ in range(runs):
        started = time.perf_counter()
        record = draws.draw(SYSTEM, unit, title="bench", targets=targets, ratios={"key": 50, "standardized": 20,
                                                                                 "general": 30})
        seconds.append(time.perf_counter() - started)
        started = time.perf_counter()
        ok, _ = draws.verify(Draw.objects.get(pk=record.pk))
        verify_seconds.append(time.perf_counter() - started)
        assert ok
    candidates = len(record.candidates["targets"])
    Draw.objects.filter(title="bench").delete()
    Inspector.objects.filter(certificate_no__startswith="BENCH").delete()
    return {"candidates": candidates, "inspectors": inspectors, "targets": targets, "seconds": seconds,
            "verify_seconds": verify_seconds}


def main() -> None:
    common.setup()
    from run import environment

    env = environment()
    result = {"environment": env, "plan": bench_plan(), "draw": bench_draw(), "report": bench_report()}
    p = result["plan"]
    lines = [f"### {env['database']} — plan generation over {p['enterprises']:,} enterprises, {env['when']}", "",
             "| run | seconds | target |", "|---|---:|---|"]
    for i, s in enumerate(p["seconds"], 1):
        lines.append(f"| {'create' if i == 1 else 'regenerate'} | {s:.1f}{' ⚠' if s > PLAN_TARGET_S else ''} | "
                     f"< {PLAN_TARGET_S} s |")
    lines.append(f"\n{p['items']:,} enterprises planned; monthly load {p['monthly_min']:,}–{p['monthly_max']:,}.")
    d = result["draw"]
    lines += ["", f"Draw of {d['targets']} from {d['candidates']:,} enterprises and {d['inspectors']} inspectors: "
              f"{min(d['seconds']):.2f}–{max(d['seconds']):.2f} s over {len(d['seconds'])} runs "
              f"(target < {DRAW_TARGET_S} s){' ⚠' if max(d['seconds']) > DRAW_TARGET_S else ''}; verification "
              f"{min(d['verify_seconds']):.2f}–{max(d['verify_seconds']):.2f} s."]
    r = result["report"]
    lines += ["", f"三个强度 for {r['month']} ({r['month_inspections']:,} of {r['inspections']:,} inspections): "
              f"p50 {r['p50']:.2f} s, max {r['max']:.2f} s (target < {REPORT_TARGET_S} s on PostgreSQL)"
              + (" ⚠" if r["max"] > REPORT_TARGET_S else "")]
    print("\n".join(lines))
    out = common.OUT_DIR / f"inspections-{common.db_label()}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    print(f"\nJSON: {out}")


if __name__ == "__main__":
    main()
