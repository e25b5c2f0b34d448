"""Counters kept by the services that change what they count (the dashboard's rollups).

`increment` adds to counter rows by key with one upsert per batch —
`INSERT … ON CONFLICT (key) DO UPDATE SET n = n + excluded.n`, which PostgreSQL and SQLite
(≥ 3.24) both run — in key order, so two transactions touching the same counters queue
rather than deadlock. The counter model needs a unique constraint over exactly `keys`."""

from __future__ import annotations

from django.db import connection


def increment(model, keys: tuple[str, ...], values: tuple[str, ...], rows: list[tuple]) -> None:
    """`rows` are (*key, *deltas) tuples; keys and values are field names (region_id → region)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)

    def column(name: str) -> str:
        return qn(model._meta.get_field(name.removesuffix("_id")).column)

    key_columns = [column(k) for k in keys]
    value_columns = [column(v) for v in values]
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in value_columns)
    sql = (f"INSERT INTO {table} ({', '.join(key_columns + value_columns)}) "
           f"VALUES ({', '.join(['%s'] * (len(keys) + len(values)))}) "
           f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {updates}")
    with connection.cursor() as cursor:
        cursor.executemany(sql, sorted(rows, key=lambda r: tuple(str(x) for x in r[:len(keys)])))
