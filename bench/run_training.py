"""Measure the training archive at ~3,000 enterprises and 100,000 training records (issue #19
point 3): the coverage page (per town and industry, this year's), its .xlsx, the sessions list
(first page, a town's, page 200), the people list with their hours, and the API coverage — as
the district admin and a town inspector.

The district comes from the core demo; 3,000 enterprises ("bench-培训…"), each with a principal
and a safety manager, and 100,000 attendances over 25,000 sessions this year and last are made
once with bulk_create.

    ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_bench .venv/bin/python bench/run_training.py
    ANYING_DATA_DIR=/tmp/bench-sqlite .venv/bin/python bench/run_training.py

Prints Markdown and writes bench/out/training-<db>-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, datetime, timedelta

import common
from run_houses import timed


def world(enterprises: int, records: int):
    from django.utils import timezone

    from anying.core import demo as core_demo
    from anying.core.models import Industry, Organisation, Region
    from anying.registry import creditcode
    from anying.registry.models import Enterprise, KeyPerson
    from anying.training.models import Attendance, Kind, Session, Trainee

    core_demo.load(random.Random(1))
    rng = random.Random(2026)
    towns = list(Region.objects.filter(level=Region.Level.TOWN))
    industries = list(Industry.objects.all())
    have = Enterprise.objects.filter(name__startswith="bench-培训").count()
    for start in range(have, enterprises, 500):
        batch = range(start, min(start + 500, enterprises))
        orgs = Organisation.objects.bulk_create([Organisation(name=f"bench-培训{i}", kind=Organisation.Kind.ENTERPRISE,
                                                              region=rng.choice(towns)) for i in batch])
        ents = Enterprise.objects.bulk_create([Enterprise(organisation=o, name=o.name, region_id=o.region_id,
                                                          credit_code=creditcode.synthetic(rng),
                                                          industry=rng.choice(industries)) for o in orgs])
        people = KeyPerson.objects.bulk_create(
            [KeyPerson(enterprise=e, kind=k, name=f"{e.name}-{k}") for e in ents
             for k in (KeyPerson.Kind.PRINCIPAL, KeyPerson.Kind.SAFETY_MANAGER)])
        Trainee.objects.bulk_create([Trainee(enterprise_id=p.enterprise_id, key_person=p, name=p.name) for p in people]
                                    + [Trainee(enterprise=e, name=f"{e.name}-工{n}", post="操作工") for e in ents
                                       for n in range(6)])
    ents = list(Enterprise.objects.filter(name__startswith="bench-培训").values_list("pk", flat=True))
    trainees = {}
    for ent_id, t_id in Trainee.objects.filter(enterprise_id__in=ents).values_list("enterprise_id", "pk"):
        trainees.setdefault(ent_id, []).append(t_id)
    have = Attendance.objects.filter(session__topic="bench").count()
    today = timezone.localdate()
    first = date(today.year - 1, 1, 1)
    span = (today - first).days
    kinds = [k for k, _ in Kind.choices]
    while have < records:
        sessions = Session.objects.bulk_create([Session(enterprise_id=rng.choice(ents), kind=rng.choice(kinds),
                                                        topic="bench", held_on=first + timedelta(days=rng.randrange(span)),
                                                        hours=rng.choice((2, 4, 8, 16)), trainer="bench")
                                                for _ in range(1000)])
        rows = []
        for s in sessions:
            pool = trainees[s.enterprise_id]
            for t in rng.sample(pool, min(4, len(pool))):
                rows.append(Attendance(session=s, trainee_id=t, score=rng.randint(40, 100)))
        Attendance.objects.bulk_create(rows[: records - have])
        have += min(len(rows), records - have)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("registry_enterprise", "registry_keyperson", "training_trainee", "training_session",
                          "training_attendance"):
                cursor.execute(f"ANALYZE {table}")
    return len(ents), Attendance.objects.count(), Session.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=3_000)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    common.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test import Client

    from anying.core.models import Region, User
    from anying.core.services import create_token

    ents, attendances, sessions = world(args.enterprises, args.records)
    town = Region.objects.get(name="旧县街道", level=Region.Level.TOWN)
    cases = {}
    for username in ("admin", "jiuxian"):
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        _, secret = create_token(None, user, "bench")
        api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        urls = {"coverage page": "/training/coverage/", "coverage .xlsx": "/training/coverage/?export=xlsx",
                "API coverage": "/api/v1/training/coverage",
                "sessions, first page": "/training/", "sessions, 旧县街道": f"/training/?region={town.pk}",
                "sessions, page 200": "/training/?page=200", "people with hours, first page": "/training/people/",
                "API people": "/api/v1/training/people?limit=100"}
        for label, url in urls.items():
            cases[f"{label} ({username})"] = timed(api if url.startswith("/api") else client, url, args.runs)
    db = common.db_label()
    print(f"\n## Training archive ({db}, {ents} enterprises, {sessions} sessions, {attendances} training records)\n")
    print("| case (user) | p50 ms | max ms | queries | status | bytes |\n|---|---:|---:|---:|---:|---:|")
    for label, c in cases.items():
        print(f"| {label} | {c['p50']:.0f} | {c['max']:.0f} | {c['queries']} | {c['status']} | {c['bytes']} |")
    common.OUT_DIR.mkdir(exist_ok=True)
    out = common.OUT_DIR / f"training-{db}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"enterprises": ents, "records": attendances, "cases": cases}, ensure_ascii=False,
                              indent=2, default=str))


if __name__ == "__main__":
    main()
