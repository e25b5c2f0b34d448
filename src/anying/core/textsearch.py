"""Indexed substring search (`…包含…`) for big tables, as migration operations and a Q builder.

`name LIKE '%…%'` cannot use a B-tree index, so over a million rows every search reads every
row. For terms of three or more characters (Chinese included):
- PostgreSQL: GIN trigram indexes (pg_trgm) serve `LIKE` directly. pg_trgm is a trusted
  extension (PostgreSQL ≥ 13), so a database owner may create it; where that is refused the
  migration logs why and carries on without the indexes.
- SQLite: an FTS5 table with the trigram tokenizer (SQLite ≥ 3.34), kept in step with the
  table by triggers, answers `MATCH '"term"'` with the matching rowids. Where the SQLite build
  lacks FTS5 or the trigram tokenizer, the migration skips it.
Shorter terms, and databases without the index, fall back to a plain `LIKE` scan: search then
still works, only slower.
"""

from __future__ import annotations

import logging
from functools import cache

from django.db import connections, migrations, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL

log = logging.getLogger(__name__)
MIN_INDEXED_LENGTH = 3  # a trigram needs three characters


def _fts_table(table: str) -> str:
    return f"{table}_fts"


def trigram_indexes(table: str, columns: list[str]) -> migrations.RunPython:
    """PostgreSQL only: a GIN trigram index per column."""
    names = {column: f"{table}_{column}_trgm"[:63] for column in columns}

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as exc:  # noqa: BLE001 — any refusal means: no trigram indexes here
            log.warning("pg_trgm unavailable (%s); substring search on %s stays unindexed", exc, table)
            return
        for column, name in names.items():
            schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}" gin_trgm_ops)')

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in names.values():
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(create, drop, elidable=False)


def substring_index(table: str, columns: list[str]) -> list[migrations.RunPython]:
    """Both databases: trigram indexes on PostgreSQL, an FTS5 trigram table on SQLite."""
    fts = _fts_table(table)
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
                                      "content_rowid='id', tokenize='trigram')")
        except Exception as exc:  # noqa: BLE001 — no FTS5 or no trigram tokenizer in this build
            log.warning("SQLite FTS5 trigram unavailable (%s); substring search on %s stays unindexed", exc, table)
            return
        # the external-content recipe of the FTS5 manual: delete the old terms, insert the new
        schema_editor.execute(f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
                              f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END")
        schema_editor.execute(f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
                              f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END")
        schema_editor.execute(f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN "
                              f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
                              f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END")
        schema_editor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for suffix in ("ai", "ad", "au"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")

    return [trigram_indexes(table, columns), migrations.RunPython(create, drop, elidable=False)]


@cache
def _has_fts(alias: str, table: str) -> bool:
    with connections[alias].cursor() as cursor:
        return _fts_table(table) in connections[alias].introspection.table_names(cursor)


def index_match(model, columns: list[str], term: str, using: str = "default") -> tuple[str, list] | None:
    """SQL and parameters selecting the primary keys of rows where any of `columns` contains
    `term`, when a table of matches can answer it (SQLite FTS5); None otherwise."""
    table = model._meta.db_table
    if not (connections[using].vendor == "sqlite" and len(term) >= MIN_INDEXED_LENGTH and _has_fts(using, table)):
        return None
    phrase = '"' + term.replace('"', '""') + '"'  # one phrase: the term as typed, not FTS syntax
    column_filter = "{" + " ".join(columns) + "}"
    fts = _fts_table(table)
    return f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", [f"{column_filter} : {phrase}"]


def contains_any(model, columns: list[str], term: str, using: str = "default") -> Q:
    """Rows where any of `columns` contains `term`, through the index where there is one."""
    match = index_match(model, columns, term, using)
    if match is not None:
        return Q(pk__in=RawSQL(*match))
    return plain_contains(columns, term)


def plain_contains(columns: list[str], term: str) -> Q:
    """The unindexed form: `LIKE '%term%'` on each column."""
    q = Q(pk__in=[])
    for column in columns:
        q |= Q(**{f"{column}__contains": term})
    return q
