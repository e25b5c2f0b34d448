"""Measure issue #19 points 4 and 6 at ~3,000 enterprises, 20,000 published penalty decisions and
50,000 safety-spending entries: the public 行政处罚信息公示 page (first page, a search, a deep
page), the 标准化重新核定 list (district and town), the spending list (未足额 filter) and the
staff penalty list — as the district admin and a town inspector.

The district comes from the core demo; the enterprises ("bench-企业…"), their penalties and
notices, ledgers and entries, graded enterprises' major hazards and accidents are made once with
bulk_create.

    ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_bench .venv/bin/python bench/run_credit.py
    ANYING_DATA_DIR=/tmp/bench-sqlite .venv/bin/python bench/run_credit.py

Prints Markdown and writes bench/out/credit-<db>-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import datetime, timedelta
from decimal import Decimal

import common
from run_houses import timed


def world(n_ent: int, n_pen: int, n_entries: int):
    from django.db import connection
    from django.utils import timezone

    from anying.core import demo as core_demo
    from anying.core.models import Industry, Organisation, Region
    from anying.credit.models import PenaltyNotice
    from anying.hazards.models import Hazard
    from anying.inspections.models import Penalty
    from anying.oversight.models import Accident
    from anying.registry.models import Enterprise
    from anying.spending.models import Entry, Ledger
    from anying.standards.models import AccidentType

    core_demo.load(random.Random(1))
    rng = random.Random(2026)
    today = timezone.localdate()
    towns = list(Region.objects.filter(level=Region.Level.TOWN))
    industries = list(Industry.objects.filter(code__in=["jixie", "weihua", "yejin", "jianshe", "jiaotong"]))
    have = Enterprise.objects.filter(name__startswith="bench-企业").count()
    if have < n_ent:
        orgs = Organisation.objects.bulk_create([Organisation(name=f"bench-企业{i}", kind=Organisation.Kind.ENTERPRISE,
                                                              region=towns[i % len(towns)]) for i in range(have, n_ent)])
        Enterprise.objects.bulk_create([Enterprise(
            organisation=o, credit_code=f"91500151B{i:09d}", name=o.name, region_id=o.region_id,
            industry=industries[i % len(industries)], legal_representative="张三",
            std_status="certified" if i % 3 == 0 else "none", std_grade="3" if i % 3 == 0 else "",
            std_certificate_date=today - timedelta(days=700) if i % 3 == 0 else None)
            for i, o in zip(range(have, n_ent), orgs, strict=True)])
    ents = list(Enterprise.objects.filter(name__startswith="bench-企业").order_by("id"))
    unit = Organisation.objects.get(name="区应急局")
    if not Penalty.objects.filter(party_name__startswith="bench-企业").exists():
        for start in range(0, n_pen, 5000):
            batch = []
            for i in range(start, min(start + 5000, n_pen)):
                e = ents[i % len(ents)]
                day = today - timedelta(days=rng.randint(1, 1000))
                batch.append(Penalty(enterprise=e, region_id=e.region_id, industry_id=e.industry_id,
                                     organisation_id=e.organisation_id, unit=unit, party_name=e.name, facts="bench",
                                     evidence="bench", violated="未按规定开展安全培训", legal_basis="安全生产法第九十七条",
                                     amount=Decimal(rng.randint(1, 50) * 1000), status="decided", filed_on=day,
                                     decide_by=day, decided_on=day))
            made = Penalty.objects.bulk_create(batch)
            PenaltyNotice.objects.bulk_create([PenaltyNotice(
                penalty=p, due_by=p.decided_on + timedelta(days=9), published_on=p.decided_on + timedelta(days=rng.randint(1, 12)),
                publish_until=p.decided_on + timedelta(days=1095), party_name=p.party_name, party_kind="法人及非法人组织",
                credit_code="", decision_number=f"（铜）应急罚〔2026〕{p.pk}号", violation_type=p.violated,
                facts=p.facts, basis=p.legal_basis, content=f"罚款{p.amount}元", amount=p.amount,
                decided_on=p.decided_on, unit_name=unit.name) for p in made])
        graded = [e for e in ents if e.std_grade][:400]
        Hazard.objects.bulk_create([Hazard(
            enterprise=e, region_id=e.region_id, industry_id=e.industry_id, organisation_id=e.organisation_id,
            place="bench", description="bench 重大隐患", level="major", channel="inspection", found_by="bench",
            found_on=today - timedelta(days=rng.randint(1, 900))) for e in graded])
        kind = AccidentType.objects.filter(group="基本事故类型").first()
        Accident.objects.bulk_create([Accident(
            occurred_at=timezone.now() - timedelta(days=rng.randint(1, 900)), place="bench", region_id=e.region_id,
            industry_id=e.industry_id, enterprise=e, unit=unit, accident_type=kind, serious_injuries=1,
            grade="general", summary="bench") for e in graded[::4]])
    if not Ledger.objects.filter(enterprise__in=ents[:1]).exists():
        ledgers = Ledger.objects.bulk_create([Ledger(
            enterprise=e, year=today.year, class_key="machinery", base=Decimal(50_000_000), required=Decimal(735_000))
            for e in ents])
        per = max(1, -(-n_entries // len(ledgers)))
        for start in range(0, len(ledgers), 500):
            batch = []
            for g in ledgers[start:start + 500]:
                for k in range(per):
                    batch.append(Entry(ledger=g, kind="set_aside" if k % 3 else "spend", on=today.replace(day=1),
                                       amount=Decimal(5000), category="" if k % 3 else "ppe", description="bench"))
            Entry.objects.bulk_create(batch)
        for g in ledgers:
            g.set_aside = Decimal(5000 * (per - (per + 2) // 3))
        Ledger.objects.bulk_update(ledgers, ["set_aside"], batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("credit_penaltynotice", "inspections_penalty", "spending_entry", "spending_ledger",
                          "hazards_hazard", "registry_enterprise"):
                cursor.execute(f"ANALYZE {table}")
    return {"enterprises": Enterprise.objects.count(), "notices": PenaltyNotice.objects.count(),
            "entries": Entry.objects.count(), "ledgers": Ledger.objects.count()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=3_000)
    parser.add_argument("--penalties", type=int, default=20_000)
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    common.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.core.cache import cache
    from django.test import Client

    from anying.core.models import User

    sizes = world(args.enterprises, args.penalties, args.entries)
    cache.clear()  # the public pages' rate limit
    cases = {}
    public = Client()
    for label, url in {"public 行政处罚公示, first page": "/credit/open/penalties/",
                       "public 行政处罚公示, search": "/credit/open/penalties/?q=bench-企业12",
                       "public 行政处罚公示, page 300": "/credit/open/penalties/?page=300",
                       "public 失信名单": "/credit/open/blacklist/"}.items():
        cases[label] = timed(public, url, args.runs)
    for username in ("admin", "jiuxian"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for label, url in {"标准化重新核定": "/credit/rerating/", "行政处罚 staff list": "/credit/penalties/",
                           "安全生产费用, 未足额": "/spending/?standard=under"}.items():
            cases[f"{label} ({username})"] = timed(client, url, args.runs)
    db = common.db_label()
    print(f"\n## Credit and spending ({db}: {sizes})\n")
    print("| case (user) | p50 ms | max ms | queries | status | bytes |\n|---|---:|---:|---:|---:|---:|")
    for label, c in cases.items():
        print(f"| {label} | {c['p50']:.0f} | {c['max']:.0f} | {c['queries']} | {c['status']} | {c['bytes']} |")
    common.OUT_DIR.mkdir(exist_ok=True)
    out = common.OUT_DIR / f"credit-{db}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"sizes": sizes, "cases": cases}, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
