"""Indexed substring search (`…包含…`) for big tables, as migration operations and a Q builder.

`name LIKE '%…%'` cannot use a B-tree index, so over a million rows every search reads every
row. For terms of three or more characters (Chinese included):
- PostgreSQL: GIN trigram indexes (pg_trgm) serve `LIKE` directly. pg_trgm is a trusted
  extension (PostgreSQL ≥ 13), so a database owner may create it; where that is refused the
  migration logs why and carries on without the indexes.
- SQLite: an FTS5 table with the trigram tokenizer (SQLite ≥ 3.34), kept in step with the
  table by triggers, answers `MATCH '"term"'` with the matching rowids. Where the SQLite build
  lacks FTS5 or the trigram tokenizer, the migration skips it.
A trigram index cannot answer a term of one or two characters (氨气, 车间, 粉尘 — most Chinese
search terms), so those have an index of their own, of character pairs (bigrams):
- PostgreSQL: a GIN index on the expression `anying_bigrams(col1) || anying_bigrams(col2)`, a
  tsvector whose lexemes are every pair of adjacent characters and the last character alone.
  A two-character term is one lexeme (`'氨气'`), a one-character term a prefix (`'氨':*`); GIN
  answers both exactly, with no recheck, and ANALYZE keeps statistics on the expression, so the
  planner knows a rare pair from a common one and starts from the index or from the scope.
- SQLite: an FTS5 table of the same pairs (unicode61 tokenizer, prefix index of one character),
  kept in step by triggers that call `anying_bigrams`, a Python function registered on every
  connection (`register_sqlite_functions`). Writing to these tables outside the application
  (the sqlite3 shell) therefore fails with "no such function" instead of leaving the index
  stale.
Terms with punctuation or spaces, and databases without the index, fall back to a plain `LIKE`
scan: search then still works, only slower.
"""

from __future__ import annotations

import json
import logging
from functools import cache

from django.db import connections, migrations, transaction
from django.db.models import BooleanField, F, Func, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan

log = logging.getLogger(__name__)
MIN_INDEXED_LENGTH = 3  # a trigram needs three characters
BIGRAM_FUNCTION = "anying_bigrams"


def bigrams(value: str | None) -> str:
    """The SQLite side of `anying_bigrams`: every pair of adjacent characters and the last one
    alone, space-separated, each once ("生产车间" → "生产 产车 车间 间")."""
    if not value:
        return ""
    return " ".join(dict.fromkeys(value[i:i + 2] for i in range(len(value))))


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """connection_created handler: the functions the SQLite search triggers call."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(BIGRAM_FUNCTION, 1, bigrams, deterministic=True)


# PostgreSQL: the same pairs as a tsvector. Not STRICT: a NULL column gives an empty vector, so
# the other column's pairs still count. Not inlinable (it has a sub-select), so the expression
# the planner compares with the index is the function call itself.
_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {BIGRAM_FUNCTION}(value text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_to_tsvector(coalesce(array(
    SELECT DISTINCT substr(value, i, 2) FROM generate_series(1, char_length(value)) AS i), '{{}}'))
$$"""


def _bigram_table(table: str) -> str:
    return f"{table}_pairs"


def _bigram_index(table: str) -> str:
    return f"{table}_bigrams"[:63]


def _pg_vector(columns: list[str]) -> str:
    return " || ".join(f'{BIGRAM_FUNCTION}("{c}")' for c in columns)


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


def _sqlite_search_table(schema_editor, table: str, name: str, columns: list[str], using: str, *,
                         insert: str, delete: str, update: str, fill: str) -> None:
    """An FTS5 table beside `table`, kept in step by three triggers and filled once; skipped with
    a warning where this SQLite build lacks FTS5 (or the tokenizer)."""
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute(f"CREATE VIRTUAL TABLE {name} USING {using}")
    except Exception as exc:  # noqa: BLE001 — no FTS5 or no such tokenizer in this build
        log.warning("SQLite FTS5 unavailable (%s); search on %s stays unindexed", exc, table)
        return
    schema_editor.execute(f"CREATE TRIGGER {name}_ai AFTER INSERT ON {table} BEGIN {insert} END")
    schema_editor.execute(f"CREATE TRIGGER {name}_ad AFTER DELETE ON {table} BEGIN {delete} END")
    schema_editor.execute(f"CREATE TRIGGER {name}_au AFTER UPDATE OF {', '.join(columns)} ON {table} BEGIN {update} END")
    schema_editor.execute(fill)


def _drop_sqlite_search_table(schema_editor, name: str) -> None:
    for suffix in ("ai", "ad", "au"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_{suffix}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {name}")


def substring_index(table: str, columns: list[str]) -> list[migrations.RunPython]:
    """Both databases: trigram indexes on PostgreSQL, an FTS5 trigram table on SQLite."""
    fts = _fts_table(table)
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            # the external-content recipe of the FTS5 manual: delete the old terms, insert the new
            _sqlite_search_table(
                schema_editor, table, fts, columns,
                f"fts5({cols}, content='{table}', content_rowid='id', tokenize='trigram')",
                insert=f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new});",
                delete=f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});",
                update=f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
                       f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new});",
                fill=f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            _drop_sqlite_search_table(schema_editor, fts)

    return [trigram_indexes(table, columns), migrations.RunPython(create, drop, elidable=False)]


def short_term_index(table: str, columns: list[str]) -> migrations.RunPython:
    """Both databases: the character-pair index for one- and two-character terms (module doc)."""
    pairs = _bigram_table(table)
    new = " || ' ' || ".join(f"{BIGRAM_FUNCTION}(new.{c})" for c in columns)
    rows = " || ' ' || ".join(f"{BIGRAM_FUNCTION}({c})" for c in columns)

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(_PG_FUNCTION)
            schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{_bigram_index(table)}" ON "{table}" '
                                  f"USING gin (({_pg_vector(columns)}))")
            return
        if schema_editor.connection.vendor == "sqlite":
            # A plain (not external-content) FTS5 table: it indexes the pairs, not the columns,
            # so it keeps its own copy of them and a delete needs only the rowid.
            _sqlite_search_table(
                schema_editor, table, pairs, columns,
                "fts5(grams, detail=none, prefix='1', tokenize='unicode61 remove_diacritics 0')",
                insert=f"INSERT INTO {pairs}(rowid, grams) VALUES (new.id, {new});",
                delete=f"DELETE FROM {pairs} WHERE rowid = old.id;",
                update=f"UPDATE {pairs} SET grams = {new} WHERE rowid = new.id;",
                fill=f"INSERT INTO {pairs}(rowid, grams) SELECT id, {rows} FROM {table}")

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{_bigram_index(table)}"')
        elif schema_editor.connection.vendor == "sqlite":
            _drop_sqlite_search_table(schema_editor, pairs)

    return migrations.RunPython(create, drop, elidable=False)


def is_short_term(term: str) -> bool:
    """A term the pair index answers exactly: one or two letters or digits (no punctuation or
    space, which the SQLite tokenizer would split on)."""
    return 0 < len(term) < MIN_INDEXED_LENGTH and term.isalnum()


@cache
def _has_pairs(alias: str, table: str) -> bool:
    connection = connections[alias]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [_bigram_index(table)])
            return cursor.fetchone() is not None
        return _bigram_table(table) in connection.introspection.table_names(cursor)


def _tsquery(term: str) -> str:
    """The pair lexeme of a short term, quoted for tsquery input (' doubled, \\ escaped); one
    character is a prefix of the pairs that start with it."""
    lexeme = "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"
    return lexeme if len(term) == 2 else lexeme + ":*"


class _PairMatch(Func):
    """`anying_bigrams(c1) || anying_bigrams(c2) @@ '<pair>'::tsquery` — the index's expression."""

    output_field = BooleanField()

    def __init__(self, columns: list[str], term: str):
        super().__init__(*[Func(F(c), function=BIGRAM_FUNCTION) for c in columns], Value(_tsquery(term)))

    def as_sql(self, compiler, connection, **extra):
        *vector, query = self.get_source_expressions()
        parts, params = [], []
        for expression in vector:
            sql, p = compiler.compile(expression)
            parts.append(sql)
            params += p
        query_sql, query_params = compiler.compile(query)
        return f"({' || '.join(parts)}) @@ ({query_sql})::tsquery", [*params, *query_params]


@cache
def _has_fts(alias: str, table: str) -> bool:
    with connections[alias].cursor() as cursor:
        return _fts_table(table) in connections[alias].introspection.table_names(cursor)


def index_match(model, columns: list[str], term: str, using: str = "default") -> tuple[str, list] | None:
    """SQL and parameters selecting the primary keys of rows where any of `columns` contains
    `term`, when a table of matches can answer it (SQLite FTS5); None otherwise."""
    table = model._meta.db_table
    if connections[using].vendor != "sqlite":
        return None
    if is_short_term(term) and _has_pairs(using, table):
        pairs = _bigram_table(table)
        return (f"SELECT rowid FROM {pairs} WHERE {pairs} MATCH %s",
                [f'"{term}"' if len(term) == 2 else f'"{term}" *'])
    if not (len(term) >= MIN_INDEXED_LENGTH and _has_fts(using, table)):
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
    if (connections[using].vendor == "postgresql" and is_short_term(term)
            and _has_pairs(using, model._meta.db_table)):
        # The pair match finds the rows through its index; the strpos beside it, the same
        # answer for such a term, is what a plan walking another index (the scope's, the
        # sort's) tests row by row: PostgreSQL evaluates the cheaper condition first, and
        # computing the pairs of a row costs ~20 times a strpos.
        return Q(_PairMatch(columns, term)) & scan(columns, term, using)
    return plain_contains(columns, term)


# Above this many estimated matches, collecting them from an index (a bitmap of half a million
# rows, lossy and rechecked row by row at 10,000,000 hazards: 0.7 s) costs more than testing rows
# while walking the scope's or the sort's index, which meets a page or a capped count soon.
DENSE_MATCHES = 100_000


def matching_ids(model, columns: list[str], term: str, limit: int, using: str = "default") -> list[int] | None:
    """Up to `limit` primary keys of rows where any of `columns` contains `term`, read from the
    search index; None where no index can answer cheaply (no index, a term with punctuation, or,
    on PostgreSQL, a term its statistics say is in more than DENSE_MATCHES rows)."""
    connection, table = connections[using], model._meta.db_table
    match = index_match(model, columns, term, using)
    if match is not None:  # SQLite's FTS5 tables stream their matches: the LIMIT stops them
        sql, params = match
    elif connection.vendor == "postgresql" and (
            (is_short_term(term) and _has_pairs(using, table))
            or (len(term) >= MIN_INDEXED_LENGTH and _has_trigrams(using, table, tuple(columns)))):
        sql, params = model._default_manager.using(using).filter(contains_any(model, columns, term, using)) \
            .order_by().values_list("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        if (plan[0] if isinstance(plan, list) else json.loads(plan)[0])["Plan"]["Plan Rows"] > DENSE_MATCHES:
            return None
    else:
        return None
    with transaction.atomic(using=using), connection.cursor() as cursor:
        serial = connection.vendor == "postgresql"
        if serial:  # a few index pages: starting parallel workers would cost more (5–25 ms)
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(f"{sql} LIMIT {int(limit)}", params)
        ids = [row[0] for row in cursor.fetchall()]
        if serial:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather TO DEFAULT")
        return ids


def middling(model, columns: list[str], term: str, using: str = "default") -> Q | None:
    """A term in more rows than can be listed by key but fewer than DENSE_MATCHES: PostgreSQL
    gets the indexed condition and picks index or walk from its statistics; on SQLite, which has
    no statistics, None: walk with `scan` (its FTS5 subquery would first collect every match)."""
    if connections[using].vendor == "postgresql":
        return contains_any(model, columns, term, using)
    return None


def scan(columns: list[str], term: str, using: str = "default") -> Q:
    """The unindexed test, for a term so common that walking the scope's or the sort's index and
    testing each row finds a page (or a capped count) sooner than collecting every match. On
    PostgreSQL strpos, which no index offers itself for (LIKE '%…%' invites the trigram index,
    which then returns every match, or every row for a short term); on SQLite LIKE, as before
    (case-blind for Latin letters, like the FTS tables)."""
    if connections[using].vendor != "postgresql":
        return plain_contains(columns, term)
    found = Q(pk__in=[])
    for column in columns:
        found |= Q(GreaterThan(StrIndex(column, Value(term)), 0))
    return found


@cache
def _has_trigrams(alias: str, table: str, columns: tuple) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = ANY(%s)",
                       [[f"{table}_{column}_trgm"[:63] for column in columns]])
        return cursor.fetchone()[0] == len(columns)


def plain_contains(columns: list[str], term: str) -> Q:
    """The unindexed form: `LIKE '%term%'` on each column."""
    q = Q(pk__in=[])
    for column in columns:
        q |= Q(**{f"{column}__contains": term})
    return q
