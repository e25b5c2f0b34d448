"""The supplies ledger at the issue's scale (issue #14 "Speed"): 1,000,000 ledger rows over 500
warehouses and 2,000 items, written with COPY (PostgreSQL) or executemany (SQLite) as consistent
chains — every lot's and balance's figure equal to the sum of its postings, as `check_ledger`
proves — then measured:

- a warehouse's stock page (/supplies/warehouses/<id>/: 200 items, 400 lots) p95 < 150 ms;
- an item's district-wide balance (/supplies/balances/<id>/ and its one query) p95 < 100 ms;
- a FEFO issue of 100 units across 50 lots (create + post: 50 ledger rows) < 50 ms.

    createdb -h 127.0.0.1 -U postgres anying_supplies_bench
    ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_supplies_bench .venv/bin/python bench/run_supplies.py
    ANYING_DATA_DIR=/tmp/bench-supplies .venv/bin/python bench/run_supplies.py

The first run migrates, loads the demo district's accounts and generates; later runs only measure.
Prints Markdown and writes bench/out/supplies-<db>-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import time
from datetime import datetime
from decimal import Decimal

import common

WAREHOUSES, ITEMS, ITEMS_PER_WAREHOUSE, LOTS_PER_ITEM, ISSUES_PER_LOT = 500, 2000, 200, 2, 4
# 500 × 200 × 2 lots × (1 receipt + 4 issues) = 1,000,000 ledger rows
TARGETS = {"warehouse page": 150, "item balance page": 100, "item balance query": 100, "FEFO issue 100 over 50 lots": 50}


def loader(connection):
    """rows into a table: COPY on PostgreSQL, executemany on SQLite."""
    def load(model, fields, rows):
        table = model._meta.db_table
        columns = [model._meta.get_field(f).column for f in fields]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
                with raw.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join(["%s"] * len(columns))})'
            batch = []
            with connection.cursor() as cursor:
                for row in rows:
                    batch.append(row)
                    if len(batch) >= 20000:
                        cursor.executemany(sql, batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
    return load


def generate() -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from anying.core.models import Organisation, Region
    from anying.places.models import Place
    from anying.supplies.models import (
        Category,
        DocumentLine,
        Item,
        LedgerEntry,
        Lot,
        StockBalance,
        StockDocument,
        Warehouse,
    )

    rng = random.Random(14)
    load = loader(connection)
    now = timezone.now() - dt.timedelta(days=1)
    today = timezone.localdate()
    district = Region.objects.get(name="铜梁区", level=Region.Level.DISTRICT)
    owners = list(Organisation.objects.filter(kind=Organisation.Kind.TOWN_OFFICE, region__parent=district))
    bureau = Organisation.objects.get(name="区应急局")
    start = time.perf_counter()
    with transaction.atomic():
        base = (Item.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        cats = [c for c, _ in Category.choices]
        Item.objects.bulk_create([Item(id=base + i, code=f"BX-{i:05d}", name=f"压测物资{i:05d}", category=cats[i % 6],
                                       uom="件") for i in range(ITEMS)], batch_size=1000)
        item_ids = list(range(base, base + ITEMS))
        pbase = (Place.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        wbase = (Warehouse.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        places, houses = [], []
        for w in range(WAREHOUSES):
            owner = bureau if w < 20 else owners[w % len(owners)]
            places.append(Place(id=pbase + w, name=f"压测仓库{w:03d}", kind="warehouse", owner=owner,
                                region_id=owner.region_id, dispatchable=w < 20,
                                latitude=Decimal(f"{29.7 + rng.random() * 0.3:.6f}"),
                                longitude=Decimal(f"{105.9 + rng.random() * 0.3:.6f}")))
            houses.append(Warehouse(id=wbase + w, place_id=pbase + w, name=f"压测仓库{w:03d}", owner=owner,
                                    level="district" if w < 20 else "town", last_posted_at=now))
        Place.objects.bulk_create(places, batch_size=1000)
        Warehouse.objects.bulk_create(houses, batch_size=1000)
        dbase = (StockDocument.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        lbase = (DocumentLine.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        lotbase = (Lot.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        ebase = (LedgerEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        docs, lines, lots, balances, entries = [], [], [], [], []
        written = [0, 0, 0]

        def flush():
            load(StockDocument, ["id", "kind", "status", "warehouse", "doc_date", "created_at", "posted_at", "version",
                                 "reason", "counterparty", "note"], (d + ("", "", "") for d in docs))
            load(DocumentLine, ["id", "document", "item", "counted", "quantity", "batch", "expiry_date", "owner"],
                 (li + ("",) for li in lines))
            load(Lot, ["id", "warehouse", "item", "batch", "expiry_date", "quantity", "received_at", "owner"],
                 (lot + ("",) for lot in lots))
            load(StockBalance, ["warehouse", "item", "quantity"], balances)
            load(LedgerEntry, ["id", "document", "line", "warehouse", "item", "lot", "change", "lot_after",
                               "balance_after", "posted_at"], entries)
            written[0] += len(entries)
            written[1] += len(lots)
            written[2] += len(balances)
            for rows in (docs, lines, lots, balances, entries):
                rows.clear()
        d_id, l_id, lot_id, e_id = dbase, lbase, lotbase, ebase
        for w in range(WAREHOUSES):
            wid = wbase + w
            chosen = rng.sample(item_ids, ITEMS_PER_WAREHOUSE)
            receipt = d_id
            docs.append((receipt, "receipt", "posted", wid, today, now, now, 1))
            issues = list(range(d_id + 1, d_id + 1 + ISSUES_PER_LOT))
            docs += [(i, "issue", "posted", wid, today, now, now, 1) for i in issues]
            d_id += 1 + ISSUES_PER_LOT
            for item in chosen:
                bal = 0
                issue_lines = list(range(l_id + LOTS_PER_ITEM, l_id + LOTS_PER_ITEM + ISSUES_PER_LOT))
                lot_rows = []
                for n in range(LOTS_PER_ITEM):
                    qty = rng.randint(50, 500)
                    expiry = today + dt.timedelta(days=rng.randint(10, 900))
                    lines.append((l_id, receipt, item, None, qty, f"L{n}", expiry))
                    lot_rows.append([lot_id, wid, item, f"L{n}", expiry, qty, l_id])
                    l_id += 1
                    lot_id += 1
                for k, doc in enumerate(issues):
                    lines.append((issue_lines[k], doc, item, None, 0, "", None))
                l_id += ISSUES_PER_LOT
                # the receipt's rows, then each issue takes a little of each lot, in id order
                for lot in lot_rows:
                    bal += lot[5]
                    entries.append((e_id, receipt, lot[6], wid, item, lot[0], lot[5], lot[5], bal, now))
                    e_id += 1
                    lot.append(lot[5])  # running lot balance
                for k, doc in enumerate(issues):
                    for lot in lot_rows:
                        take = rng.randint(1, max(1, lot[7] // 8))
                        lot[7] -= take
                        bal -= take
                        entries.append((e_id, doc, issue_lines[k], wid, item, lot[0], -take, lot[7], bal, now))
                        e_id += 1
                lots += [(lot[0], lot[1], lot[2], lot[3], lot[4], lot[7], now) for lot in lot_rows]
                balances.append((wid, item, bal))
            if (w + 1) % 50 == 0:
                flush()
        flush()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (Item, Place, Warehouse, StockDocument, DocumentLine, Lot, LedgerEntry):
                    table = model._meta.db_table
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                   f"(SELECT MAX(id) FROM \"{table}\"))")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"generated {written[0]:,} ledger rows, {written[1]:,} lots, {written[2]:,} balances in "
          f"{time.perf_counter() - start:.0f} s", flush=True)


def fefo_setup(n: int) -> list[tuple[int, int]]:
    """n warehouses, each with one item in 50 lots of 2 units (different expiry dates)."""
    from django.utils import timezone

    from anying.core.permissions import SYSTEM
    from anying.supplies import services
    from anying.supplies.models import Item, StockDocument, Warehouse

    # an item of its own for each run, so FEFO meets exactly these 50 lots
    item = Item.objects.create(code=f"BXF-{datetime.now():%m%d%H%M%S}", name="压测FEFO物资", category="relief", uom="件")
    houses = list(Warehouse.objects.filter(name__startswith="压测仓库").order_by("id")[:n])
    today = timezone.localdate()
    for wh in houses:
        services.create_and_post(SYSTEM, kind=StockDocument.Kind.RECEIPT, warehouse=wh, lines=[
            {"item": item, "quantity": 2, "batch": f"F{k:02d}", "expiry_date": today + dt.timedelta(days=5 + k)}
            for k in range(50)])
    return [(wh.pk, item.pk) for wh in houses]


def p(samples, q):
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    common.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Sum
    from django.test import Client

    call_command("migrate", verbosity=0)
    from anying.core import demo as core_demo
    from anying.core.models import User
    from anying.core.permissions import SYSTEM
    from anying.supplies import services
    from anying.supplies.models import Item, LedgerEntry, StockBalance, StockDocument, Warehouse

    if not User.objects.filter(username="admin").exists():
        core_demo.load(random.Random(1))
    if not Item.objects.filter(code="BX-00000").exists():
        generate()
    rows = LedgerEntry.objects.count()
    admin = User.objects.get(username="admin")
    client = Client()
    client.force_login(admin)
    rng = random.Random(3)
    houses = list(Warehouse.objects.filter(name__startswith="压测仓库").values_list("id", flat=True))
    items = list(Item.objects.filter(code__startswith="BX-").values_list("id", flat=True))
    results = {}

    def timed(label, fn):
        fn()  # warm-up
        samples = []
        for _ in range(args.requests):
            started = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - started) * 1000)
        results[label] = {"p50": statistics.median(samples), "p95": p(samples, 0.95), "n": len(samples)}

    def page(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    timed("warehouse page", lambda: page(f"/supplies/warehouses/{rng.choice(houses)}/"))
    timed("item balance page", lambda: page(f"/supplies/balances/{rng.choice(items)}/"))
    timed("item balance query", lambda: StockBalance.objects.visible_to(admin).filter(item_id=rng.choice(items))
          .aggregate(total=Sum("quantity")))
    targets = iter(fefo_setup(args.requests + 1))

    def issue():
        wh, item = next(targets)
        doc = services.create_and_post(SYSTEM, kind=StockDocument.Kind.ISSUE, warehouse=Warehouse.objects.get(pk=wh),
                                       lines=[{"item": item, "quantity": 100}])
        assert doc.entries.count() == 50

    timed("FEFO issue 100 over 50 lots", issue)
    from anying.supplies.checks import problems

    started = time.perf_counter()
    found = problems()
    check_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        version = cursor.fetchone()[0]
    print(f"\n{connection.vendor} {version}: {rows:,} ledger rows, {len(houses)} warehouses, {len(items)} items; "
          f"check_ledger {check_s:.1f} s, {len(found)} problems\n")
    print("| case | p50 ms | p95 ms | target p95 ms |\n|---|---:|---:|---:|")
    for label, r in results.items():
        print(f"| {label} | {r['p50']:.1f} | {r['p95']:.1f} | {TARGETS[label]} |")
    common.OUT_DIR.mkdir(exist_ok=True)
    out = common.OUT_DIR / f"supplies-{connection.vendor}-{datetime.now():%Y%m%d-%H%M}.json"
    out.write_text(json.dumps({"rows": rows, "results": results, "check_seconds": check_s, "problems": len(found)},
                              ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
