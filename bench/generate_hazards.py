"""Fill the configured database with hazards over the enterprises generate.py made.

    ANYING_DATA_DIR=/tmp/bench-sqlite .venv/bin/python bench/generate_hazards.py -n 1000000
    ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_bench .venv/bin/python bench/generate_hazards.py

Migrates, then bulk-inserts N hazards over the existing enterprises: 65% closed, the rest open;
5% major, each with a 工贸 2023 criterion; every channel; found over the past two years. Bench
hazards have found_by="bench", so `--reset` deletes exactly those (and what hangs off them).
No HazardEvent rows are written for them (the timeline is not what is measured).

`--overdue K` only prepares the tick measurement: it clears the escalations of bench hazards,
moves every open bench hazard's deadline into the future, then makes exactly K registered or
rectifying ones 20 days overdue.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta

from django.utils import timezone

import common

MARK = "bench"
CHUNK = 20_000
CLOSED_SHARE, MAJOR_SHARE, OVERDUE_SHARE = 0.65, 0.05, 0.15
OPEN_MIX = [("registered", 35), ("rectifying", 45), ("submitted", 20)]
CHANNELS = [("self", 55), ("inspection", 25), ("covert", 5), ("tip", 4), ("expert", 8), ("assigned", 3)]
PLACES = ["生产车间", "一号车间", "二号车间", "仓库", "配电房", "锅炉房", "除尘系统", "喷涂车间", "危化品库房",
          "办公楼", "食堂", "厂区道路", "空压机房", "有限空间入口", "熔炼炉旁", "冷库", "装卸平台", "消防通道"]
PROBLEMS = ["消防器材过期未更换", "安全出口堵塞", "电气线路私拉乱接", "防护栏缺失", "未设置安全警示标志",
            "作业人员未佩戴劳动防护用品", "安全操作规程未上墙", "粉尘清扫记录不全", "气瓶未固定",
            "应急照明损坏", "设备接地不良", "特种作业人员无证上岗", "隐患排查记录缺失", "安全培训记录不全"]
PEOPLE = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高"


def pick(rng: random.Random, weighted: list[tuple]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


COLUMNS = ["enterprise", "region", "industry", "organisation", "place", "description", "level", "category",
           "criterion", "channel", "found_by", "found_on", "status", "responsible_person", "measures", "deadline",
           "closed_on", "review_due", "version", "created_at", "is_demo"]


def rows_for(rng: random.Random, picks, criteria: list[int], today: date, now) -> list[tuple]:
    """One chunk of hazards as plain tuples in COLUMNS order (no model instances: 10M rows)."""
    out = []
    for e_id, region, industry, org in picks:
        major = rng.random() < MAJOR_SHARE
        closed = rng.random() < CLOSED_SHARE
        # Open hazards are recent; closed ones spread over two years.
        found = today - timedelta(days=rng.randrange(730 if closed else 120))
        deadline = found + timedelta(days=rng.choice((7, 15, 30, 60, 90)) * (2 if major else 1))
        status = "closed" if closed else pick(rng, OPEN_MIX)
        if status in ("registered", "rectifying"):  # most open ones are on time, some overdue
            overdue = rng.random() < OVERDUE_SHARE
            if overdue != (deadline < today):
                deadline = today + timedelta(days=rng.randrange(-40, 0) if overdue else rng.randrange(1, 60))
        place = rng.choice(PLACES)
        out.append((
            e_id, region, industry, org, place, f"{place}{rng.choice(PROBLEMS)}", "major" if major else "general",
            rng.choice(("site", "site", "management")), rng.choice(criteria) if major else None,
            pick(rng, CHANNELS), MARK, found, status, rng.choice(PEOPLE) + rng.choice("伟强军勇敏静丽磊洋"),
            "立即整改，落实责任人" if status != "registered" else "", deadline,
            min(today, deadline - timedelta(days=rng.randrange(5))) if closed else None,
            today + timedelta(days=rng.randrange(-3, 10)) if status == "submitted" else None, 0, now, False))
    return out


def write(rows: list[tuple]) -> None:
    """PostgreSQL: COPY (about ten times bulk_create's rate); SQLite: one executemany."""
    from django.db import connection, transaction

    from anying.core.bulk import insert_rows
    from anying.hazards.models import Hazard

    with transaction.atomic():
        if connection.vendor != "postgresql":
            insert_rows(Hazard, COLUMNS, rows)
            return
        columns = ", ".join(Hazard._meta.get_field(name).column for name in COLUMNS)
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY {Hazard._meta.db_table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


class BulkLoad:
    """PostgreSQL: the hazard table's secondary indexes dropped and its triggers (foreign-key
    checks) disabled while rows are copied in, then the indexes rebuilt once — maintaining a
    dozen indexes (two of them trigram GIN) row by row is what made a million rows take four
    minutes. Bench rows reference existing enterprises, regions and criteria by construction.
    Needs a superuser (DISABLE TRIGGER ALL); SQLite keeps its indexes."""

    def __enter__(self):
        from django.db import connection

        from anying.hazards.models import Hazard

        self.table, self.indexes = Hazard._meta.db_table, []
        if connection.vendor != "postgresql":
            return self
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexdef NOT LIKE "
                           "'CREATE UNIQUE%%'", [self.table])
            self.indexes = cursor.fetchall()
            for name, _ in self.indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            cursor.execute(f'ALTER TABLE "{self.table}" DISABLE TRIGGER ALL')
        print(f"  dropped {len(self.indexes)} indexes for the load", flush=True)
        return self

    def __exit__(self, *exc):
        from django.db import connection

        if connection.vendor != "postgresql":
            return
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER TABLE "{self.table}" ENABLE TRIGGER ALL')
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _name, definition in self.indexes:
                cursor.execute(definition)
        print(f"  rebuilt {len(self.indexes)} indexes in {time.perf_counter() - started:.0f} s", flush=True)


def insert(count: int, seed: int) -> int:

    from anying.registry.models import Enterprise
    from anying.standards.models import Criterion

    rng, today, now = random.Random(seed), timezone.localdate(), timezone.now()
    ents = list(Enterprise.objects.values_list("pk", "region_id", "industry_id", "organisation_id"))
    # Some enterprises have many hazards, most a few: log-normal weights.
    weights = [rng.lognormvariate(0, 1) for _ in ents]
    criteria = list(Criterion.objects.filter(criteria_set__code="gongmao_2023", is_item=True).values_list("pk", flat=True))
    assert ents and criteria, "run generate.py first (enterprises) and the standards migrations (criteria)"
    with BulkLoad():
        for start in range(0, count, CHUNK):
            write(rows_for(rng, rng.choices(ents, weights, k=min(CHUNK, count - start)), criteria, today, now))
            if (start // CHUNK) % 50 == 0 or start + CHUNK >= count:
                print(f"  {min(start + CHUNK, count):>10,} hazards", flush=True)
    return count


def bench_hazards():
    from anying.hazards.models import Hazard

    return Hazard.objects.filter(found_by=MARK)


def clear_escalations() -> int:
    """Delete the overdue-ladder steps, their letters and timeline entries of bench hazards (audit
    events stay; so do 督办 made by the 挂牌督办 rung, which the 20-day overdue set never reaches)."""
    from django.contrib.contenttypes.models import ContentType

    from anying.core.models import ClockStep, TimelineEvent
    from anying.hazards.models import Hazard

    ids = bench_hazards().values("pk")
    ct = ContentType.objects.get_for_model(Hazard)
    TimelineEvent.objects.filter(content_type=ct, object_id__in=ids, action__startswith="escalate:")._raw_delete("default")
    return ClockStep.objects.filter(clock="hazard_overdue", object_id__in=ids)._raw_delete("default")


def set_overdue(k: int) -> int:
    """Exactly K open bench hazards 20 days overdue, none of them escalated; the others on time."""
    from django.db import transaction
    from django.db.models import Subquery

    from anying.hazards.models import Hazard

    today = timezone.localdate()
    with transaction.atomic():
        clear_escalations()
        open_ = bench_hazards().filter(status__in=["registered", "rectifying"])
        open_.filter(deadline__lt=today).update(deadline=today + timedelta(days=30))
        chosen = Subquery(open_.order_by("pk").values("pk")[:k])
        made = Hazard.objects.filter(pk__in=chosen).update(deadline=today - timedelta(days=20))
    assert made == k, f"only {made:,} open bench hazards"
    return made


def reset() -> int:
    """Delete bench hazards and the rows that hang off them, without loading them into Python."""
    from django.db import transaction

    from anying.hazards.models import Hazard

    with transaction.atomic():
        for rel in Hazard._meta.related_objects:
            if rel.on_delete.__name__ == "CASCADE":
                rel.related_model.objects.filter(**{f"{rel.field.name}__found_by": MARK})._raw_delete("default")
        return bench_hazards()._raw_delete("default")


def analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE hazards_hazard")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--hazards", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reset", action="store_true", help="delete earlier bench hazards first")
    parser.add_argument("--overdue", type=int, metavar="K", help="only make K open bench hazards 20 days overdue")
    args = parser.parse_args()
    common.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    print(f"数据库：{common.db_label()}")
    started = time.perf_counter()
    if args.overdue is not None:
        print(f"{set_overdue(args.overdue):,} hazards 20 days overdue in {time.perf_counter() - started:.1f} s")
        rebuild_rollups()
        return
    if args.reset:
        print(f"reset: deleted {reset():,} bench hazards in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
    insert(args.hazards, args.seed)
    elapsed = time.perf_counter() - started
    print(f"generated {args.hazards:,} hazards in {elapsed:.1f} s ({args.hazards / elapsed:,.0f}/s)")
    started = time.perf_counter()
    analyze()
    print(f"analyze: {time.perf_counter() - started:.1f} s; bench hazards: {bench_hazards().count():,}")
    rebuild_rollups()


def rebuild_rollups() -> None:
    """The rows went in (or changed) past the services, so the dashboard's tallies are recounted."""
    from anying.hazards import rollups

    started = time.perf_counter()
    print(f"rollups rebuilt: {rollups.rebuild():,} tally rows in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
