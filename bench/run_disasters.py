"""Measure disaster reporting at a season's size (issue #18):

- 300 disaster events over the district's towns (10 towns each), 20 reports per town and event
  (60,000 reports) and 3 village returns per report (180,000 returns), 1,000 dues overdue;
- the district's pages and downloads on the busiest event: the event board, the report page, the
  快报表 .xlsx, the API detail; the event list; the 迟报 tick over the 1,000 overdue dues (rolled back
  after each run).

    ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_bench .venv/bin/python bench/run_disasters.py
    ANYING_DATA_DIR=/tmp/bench-sqlite .venv/bin/python bench/run_disasters.py

Prints Markdown and writes bench/out/disasters-<db>-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import datetime, timedelta

import common


def generate(events: int, per_town: int) -> int:
    """Bulk rows (no services: the pages, not the writers, are measured here)."""
    from django.utils import timezone

    from anying.core import demo as core_demo
    from anying.core.models import Organisation, Region, User
    from anying.disasters.models import Due, Event, Report, VillageReturn

    core_demo.load(random.Random(1))
    have = Event.objects.filter(name__startswith="bench-").count()
    if have >= events:
        return have
    from anying.warning.demo import villages

    villages()
    towns = list(Region.objects.filter(level=Region.Level.TOWN).order_by("pk"))
    vills = {t.pk: list(Region.objects.filter(parent=t, level=Region.Level.VILLAGE)) for t in towns}
    district = towns[0].parent
    unit = Organisation.objects.get(name="区应急局")
    duty = User.objects.get(username="duty")
    rng = random.Random(18)
    now = timezone.now()
    for e in range(have, events):
        start = now - timedelta(days=rng.randint(1, 150), hours=rng.randint(0, 23))
        event = Event.objects.create(number=f"bench-{e}", name=f"bench-暴雨{e}", kind="flood", started_at=start,
                                     region=district, unit=unit, created_by=duty)
        picked = rng.sample(towns, 10)
        event.towns.set(picked)
        reports, returns, dues = [], [], []
        for t in picked:
            for n in range(per_town):
                stage = "initial" if n == 0 else "update"
                at = start + timedelta(hours=2 + 24 * n)
                reports.append(Report(event=event, town=t, stage=stage, sequence=max(1, n), status="accepted",
                                      as_of=at, submitted_at=at, affected=100 * (n + 1), evacuated=10 * (n + 1),
                                      crops_affected=n * 2, loss_agriculture=n * 3, created_by=duty))
                for v in (vills.get(t.pk) or [t])[:3]:
                    returns.append(VillageReturn(event=event, village=v, town=t, affected=30 * (n + 1),
                                                 submitted_by=duty, submitted_at=at - timedelta(minutes=30)))
            dues.append(Due(event=event, town=t, stage="update", rule="ZH2020_UPDATE_DAILY",
                            due_at=now - timedelta(minutes=rng.randint(1, 600)) if e < 100 else now + timedelta(hours=9)))
        Report.objects.bulk_create(reports, batch_size=2000)
        VillageReturn.objects.bulk_create(returns, batch_size=2000)
        Due.objects.bulk_create(dues)
    return events


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--per-town", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    common.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from anying.core.models import User
    from anying.disasters import services
    from anying.disasters.models import Event, Report, VillageReturn

    t0 = time.perf_counter()
    made = generate(args.events, args.per_town)
    generated_s = time.perf_counter() - t0
    event = Event.objects.filter(name__startswith="bench-").order_by("pk").first()
    report = Report.objects.filter(event=event).order_by("-pk").first()
    admin = User.objects.get(username="admin")
    client = Client()
    client.force_login(admin)
    from anying.core.services import create_token

    api = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(None, admin, 'bench')[1]}")

    def get(url):
        return lambda: client.get(url).status_code

    cases = {
        "event list": common.timed(get(reverse("disasters:list")), args.runs),
        "event board (10 towns × 20 reports)": common.timed(get(reverse("disasters:event", args=[event.pk])), args.runs),
        "report page": common.timed(get(reverse("disasters:report", args=[report.pk])), args.runs),
        "快报表 .xlsx": common.timed(lambda: len(b"".join(client.get(reverse("disasters:export", args=[event.pk]))
                                                 .streaming_content)), args.runs),
        "API event detail": common.timed(lambda: api.get(f"/api/v1/disasters/events/{event.pk}").status_code, args.runs),
        "迟报 tick (flags)": common.timed(lambda: services.flag_late(timezone.now()), args.runs),
    }
    db = common.db_label()
    sizes = {"events": made, "reports": Report.objects.count(), "village_returns": VillageReturn.objects.count()}
    print(f"\n## Disaster reporting ({db}; {sizes}; generated in {generated_s:.0f} s)\n")
    print("| case | p50 ms | max ms | queries | result |\n|---|---:|---:|---:|---:|")
    for label, c in cases.items():
        print(f"| {label} | {c['p50']:.0f} | {c['max']:.0f} | {c['queries']} | {c['result']} |")
    common.OUT_DIR.mkdir(exist_ok=True)
    out = common.OUT_DIR / f"disasters-{db}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"sizes": sizes, "cases": cases}, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
