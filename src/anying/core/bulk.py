"""Inserting hundreds of thousands of rows without building a model instance for each.

`anying tick` writes three rows per hazard and escalation step (the step, the timeline entry,
the audit event): 450,000 rows for 50,000 overdue hazards. Django's bulk_create spends most of
that time creating instances and compiling each value; one parameterised INSERT run with
executemany (SQLite's C loop, psycopg 3's pipeline) does the same in a fraction. Only for
append-only rows whose values the caller already holds in database form (`db_value`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections, router


def db_value(model, field: str, value, using: str = "default"):
    """A value as the database stores it (aware datetimes, JSON …), computed once per batch."""
    return model._meta.get_field(field).get_db_prep_save(value, connections[using])


def insert_rows(model, fields: list[str], rows: Iterable[tuple], *, ignore_conflicts: bool = False) -> None:
    using = router.db_for_write(model)
    connection = connections[using]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(model._meta.get_field(f).column) for f in fields)
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"  # PostgreSQL, and SQLite ≥ 3.24
    rows = list(rows)
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
