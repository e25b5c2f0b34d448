"""Measure enforcement (issue #4) on the configured database, over the enterprises that
generate.py made (100,000 for the issue's target):

    ANYING_DATA_DIR=/tmp/bench-sqlite .venv/bin/python bench/run_inspections.py
    ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_bench .venv/bin/python bench/run_inspections.py

(a) annual plan generation for the 区安委办 (territorial: every enterprise of the district), three
    times — the first creates the plan, the next two regenerate the draft (delete + insert) —
    target < 30 s. The plan is deleted afterwards.

Prints Markdown and writes bench/out/inspections-<db>-<timestamp>.json. The random draw and the
三个强度 report join this script when they exist.
"""

from __future__ import annotations

import json
import time
from datetime import datetime

import common

PLAN_TARGET_S = 30


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


def main() -> None:
    common.setup()
    from run import environment

    env = environment()
    result = {"environment": env, "plan": bench_plan()}
    p = result["plan"]
    lines = [f"### {env['database']} — plan generation over {p['enterprises']:,} enterprises, {env['when']}", "",
             "| run | seconds | target |", "|---|---:|---|"]
    for i, s in enumerate(p["seconds"], 1):
        lines.append(f"| {'create' if i == 1 else 'regenerate'} | {s:.1f}{' ⚠' if s > PLAN_TARGET_S else ''} | "
                     f"< {PLAN_TARGET_S} s |")
    lines.append(f"\n{p['items']:,} enterprises planned; monthly load {p['monthly_min']:,}–{p['monthly_max']:,}.")
    print("\n".join(lines))
    out = common.OUT_DIR / f"inspections-{common.db_label()}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    print(f"\nJSON: {out}")


if __name__ == "__main__":
    main()
