"""Measure the monthly report, the campaign statistics and the 停产 list at a district's size (issue #19):

- 3,000 enterprises over the district's towns, registered a year ago; 12 months of confirmed monthly
  reports for two in three of them (24,000 reports, figures as the blocks write them); 60,000 hazards over
  the year, a third tagged with one running campaign (its self-check and enforcement phases); 3,000
  inspections tagged; 600 stoppage orders;
- the town's and the district's month page (every enterprise that owes a report, its state, the sums by
  industry) and its .xlsx; one enterprise's live report (compiled from its records); the 6th's tick over
  every town (rolled back); the campaign page per period; the 停产 list.

    ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_bench .venv/bin/python bench/run_obligations.py
    ANYING_DATA_DIR=/tmp/bench-sqlite .venv/bin/python bench/run_obligations.py

Prints Markdown and writes bench/out/obligations-<db>-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import datetime, timedelta

import common


def world(enterprises: int, hazards: int):
    from django.utils import timezone

    from anying.campaigns.models import Campaign, Item, Phase
    from anying.core import demo as core_demo
    from anying.core.models import Industry, Organisation, Region, User
    from anying.hazards.models import Hazard
    from anying.inspections.models import Inspection
    from anying.monthly import rules
    from anying.monthly.models import MonthlyReport
    from anying.registry import creditcode
    from anying.registry.models import Enterprise
    from anying.stoppages.models import Stoppage

    core_demo.load(random.Random(1))
    rng = random.Random(19)
    now = timezone.now()
    today = timezone.localdate()
    towns = list(Region.objects.filter(level=Region.Level.TOWN))
    industries = list(Industry.objects.all())
    have = Enterprise.objects.filter(name__startswith="bench-月报").count()
    for start in range(have, enterprises, 500):
        batch = range(start, min(start + 500, enterprises))
        orgs = Organisation.objects.bulk_create([Organisation(name=f"bench-月报{i}", kind=Organisation.Kind.ENTERPRISE,
                                                              region=rng.choice(towns)) for i in batch])
        Enterprise.objects.bulk_create([Enterprise(organisation=o, name=o.name, region_id=o.region_id,
                                                   credit_code=creditcode.synthetic(rng), industry=rng.choice(industries),
                                                   created_at=now - timedelta(days=400)) for o in orgs])
    ents = list(Enterprise.objects.filter(name__startswith="bench-月报").values("pk", "region_id", "industry_id",
                                                                                "organisation_id"))
    admin = User.objects.get(username="admin")
    campaign = Campaign.objects.filter(name="bench-专项").first()
    if campaign is None:
        campaign = Campaign.objects.create(name="bench-专项", owner=admin.unit, region_id=admin.unit.region_id,
                                           starts_on=today - timedelta(days=300), ends_on=today + timedelta(days=30),
                                           status=Campaign.Status.ACTIVE, created_by=admin)
        Phase.objects.create(campaign=campaign, kind="self_check", name="企业自查自改",
                             starts_on=today - timedelta(days=300), ends_on=today - timedelta(days=150))
        Phase.objects.create(campaign=campaign, kind="enforcement", name="精准执法",
                             starts_on=today - timedelta(days=149), ends_on=today + timedelta(days=30))
        Item.objects.create(campaign=campaign, number=1, content="bench")
    made = Hazard.objects.filter(place="bench").count()
    while made < hazards:
        rows = []
        for _ in range(min(5000, hazards - made)):
            e = rng.choice(ents)
            found = today - timedelta(days=rng.randrange(360))
            closed = found + timedelta(days=rng.randrange(1, 40)) if rng.random() < 0.7 else None
            rows.append(Hazard(enterprise_id=e["pk"], region_id=e["region_id"], industry_id=e["industry_id"],
                               organisation_id=e["organisation_id"], place="bench", description="bench",
                               level="major" if rng.random() < 0.05 else "general",
                               channel="self" if rng.random() < 0.6 else "inspection", found_by="bench", found_on=found,
                               deadline=found + timedelta(days=30), funds=rng.randint(0, 5000),
                               status="closed" if closed and closed <= today else "rectifying",
                               closed_on=closed if closed and closed <= today else None,
                               campaign=campaign if rng.random() < 0.33 else None))
        Hazard.objects.bulk_create(rows, batch_size=2000)
        made += len(rows)
    if not Inspection.objects.filter(scope_text="bench").exists():
        unit = Organisation.objects.get(name="区应急局")
        Inspection.objects.bulk_create([Inspection(
            enterprise_id=e["pk"], region_id=e["region_id"], industry_id=e["industry_id"],
            organisation_id=e["organisation_id"], unit=unit, inspected_on=today - timedelta(days=rng.randrange(140)),
            scope_text="bench", campaign=campaign) for e in rng.sample(ents, min(3000, len(ents)))], batch_size=2000)
    if not Stoppage.objects.filter(reason="bench").exists():
        unit = Organisation.objects.get(name="区应急局")
        Stoppage.objects.bulk_create([Stoppage(
            number=f"bench-{n}", enterprise_id=e["pk"], region_id=e["region_id"], industry_id=e["industry_id"],
            organisation_id=e["organisation_id"], unit=unit, source="other", reason="bench", legal_basis="bench",
            ordered_on=today - timedelta(days=rng.randrange(300)), status=rng.choice(["ordered", "applied", "restarted"]),
            campaign=campaign) for n, e in enumerate(rng.sample(ents, min(600, len(ents))))])
    if not MonthlyReport.objects.filter(enterprise_id=ents[0]["pk"]).exists():
        month = rules.previous_month(today)
        figures = {"hazards": {"checks_planned": 22, "checks_done": 20, "found_general": 3, "found_major": 0,
                               "closed_general": 2, "closed_major": 0, "open_general": 1, "open_major": 0,
                               "funds": "1200.00"}, "permits": {"total": 4}, "drills": {"drills": 1, "drill_people": 30}}
        for _ in range(12):
            due = rules.due_on(month)
            MonthlyReport.objects.bulk_create([MonthlyReport(
                enterprise_id=e["pk"], region_id=e["region_id"], industry_id=e["industry_id"],
                organisation_id=e["organisation_id"], month=month, figures=figures, due_on=due,
                confirmed_at=now - timedelta(days=3), late=rng.random() < 0.1)
                for n, e in enumerate(ents) if n % 3 != 2], batch_size=2000)
            month = rules.previous_month(month)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("registry_enterprise", "hazards_hazard", "monthly_monthlyreport", "inspections_inspection",
                          "stoppages_stoppage"):
                cursor.execute(f"ANALYZE {table}")
    return campaign, ents


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=3000)
    parser.add_argument("--hazards", type=int, default=60000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    common.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test import Client
    from django.utils import timezone

    from anying.core.models import User
    from anying.hazards.models import Hazard
    from anying.monthly import rules, services
    from anying.monthly.models import MonthlyReport
    from anying.registry.models import Enterprise

    t0 = time.perf_counter()
    campaign, ents = world(args.enterprises, args.hazards)
    generated_s = time.perf_counter() - t0
    month = f"{rules.previous_month(timezone.localdate()):%Y-%m}"
    clients = {}
    for username in ("admin", "jiuxian"):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    busiest = Enterprise.objects.get(pk=ents[0]["pk"])

    def get(username, url):
        return lambda: clients[username].get(url).status_code

    sixth = timezone.make_aware(datetime.combine(rules.next_month(rules.previous_month(timezone.localdate()))
                                                 .replace(day=6), datetime.min.time()))
    cases = {}
    for username in ("admin", "jiuxian"):
        cases[f"month page ({username})"] = common.timed(get(username, f"/monthly/?month={month}"), args.runs)
    cases["month .xlsx (admin)"] = common.timed(lambda: len(b"".join(clients["admin"].get(
        f"/monthly/?month={month}&export=xlsx").streaming_content)), args.runs)
    cases["an enterprise's live report (compile)"] = common.timed(
        lambda: len(services.compile_report(busiest, rules.month_start(timezone.localdate()))[1]["hazards"]), args.runs)
    cases["tick on the 6th, every town"] = common.timed(lambda: services.flag_late(sixth), args.runs)
    for period in ("all", str(campaign.phases.order_by("starts_on").first().pk)):
        for username in ("admin", "jiuxian"):
            cases[f"campaign page, period {period} ({username})"] = common.timed(
                get(username, f"/campaigns/{campaign.pk}/?period={period}"), args.runs)
    cases["停产 list (admin)"] = common.timed(get("admin", "/stoppages/?open=1"), args.runs)
    db = common.db_label()
    sizes = {"enterprises": Enterprise.objects.count(), "monthly_reports": MonthlyReport.objects.count(),
             "hazards": Hazard.objects.count(), "tagged_hazards": Hazard.objects.filter(campaign=campaign).count()}
    print(f"\n## Issue #19: monthly report, campaign, stoppages ({db}; {sizes}; generated in {generated_s:.0f} s)\n")
    print("| case | p50 ms | max ms | queries | result |\n|---|---:|---:|---:|---:|")
    for label, c in cases.items():
        print(f"| {label} | {c['p50']:.0f} | {c['max']:.0f} | {c['queries']} | {c['result']} |")
    common.OUT_DIR.mkdir(exist_ok=True)
    out = common.OUT_DIR / f"obligations-{db}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"sizes": sizes, "cases": cases}, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
