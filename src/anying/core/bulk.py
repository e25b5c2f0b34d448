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


def update_column(model, field: str, values: dict) -> None:
    """Set one column of many rows (primary key → value) with one UPDATE … FROM (VALUES …) per
    thousand rows; bulk_update builds a CASE WHEN expression per row, which at 50,000 letter
    numbers in a tick cost more than writing the steps themselves."""
    using = router.db_for_write(model)
    connection = connections[using]
    qn = connection.ops.quote_name
    table, column = qn(model._meta.db_table), qn(model._meta.get_field(field).column)
    pk = qn(model._meta.pk.column)
    items = list(values.items())
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite" and connection.Database.sqlite_version_info < (3, 33):
            # UPDATE … FROM arrived in SQLite 3.33 (Django supports 3.31): one row at a time
            cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", [(v, k) for k, v in items])
            return
        for start in range(0, len(items), 1000):
            chunk = items[start:start + 1000]
            rows = ", ".join(["(%s, %s)"] * len(chunk))
            # VALUES columns are column1, column2 on both PostgreSQL and SQLite (≥ 3.33 for FROM)
            cursor.execute(f"UPDATE {table} SET {column} = v.column2 FROM (VALUES {rows}) AS v "
                           f"WHERE {table}.{pk} = v.column1", [p for pair in chunk for p in pair])
