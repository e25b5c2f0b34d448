"""Where readings live: raw rows, minute and hour aggregates, retention (issue #16 point 4).

Readings are (sensor_id, t, value) with t the device's time in epoch milliseconds (UTC): integers
bucket the same way on both databases, and cost less to send and index than timestamps.
The primary key (sensor_id, t) is what makes a repeated reading a duplicate.

- PostgreSQL: `monitoring_reading` is partitioned by range of t, one partition per UTC day
  (declarative partitioning). Partitions are made ahead by the watch job and on demand for the
  days a batch touches; a day older than the raw retention is dropped whole. When the
  TimescaleDB extension is available, the table is a hypertable instead (one-day chunks) —
  created only on a fresh database; not exercised in CI (no TimescaleDB there).
- SQLite: the same tables WITHOUT ROWID, expired rows deleted.

Aggregates: `monitoring_reading_minute` and `monitoring_reading_hour` keep count, min, max and sum
per sensor and bucket. `rollup()` folds completed minutes (older than GRACE) into minutes and
completed hours into hours and moves a watermark; a batch that brings readings of a minute the
rollup may already have passed records that range as dirty, and the next rollup computes it
again from the raw rows. Aggregates are computed from raw rows with INSERT … ON CONFLICT DO
UPDATE, so recomputing a bucket is always exact.
"""

from __future__ import annotations

import datetime as dt
import threading

from django.conf import settings
from django.db import IntegrityError, connection, transaction

MINUTE = 60_000
HOUR = 3_600_000
DAY = 86_400_000
GRACE = 2 * MINUTE  # a minute is rolled up this long after it ends; later readings mark it dirty
RAW = "monitoring_reading"
AGG = {"minute": "monitoring_reading_minute", "hour": "monitoring_reading_hour"}

_known_partitions: set[tuple[str, int]] = set()
_lock = threading.Lock()


def is_pg(conn=None) -> bool:
    return (conn or connection).vendor == "postgresql"


def ms(at: dt.datetime) -> int:
    return int(at.timestamp() * 1000)


def at(t: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(t / 1000, tz=dt.UTC)


def raw_days() -> int:
    """Raw readings are kept at least 30 days (危险化学品重大危险源监督管理暂行规定, 40号令 第十三条:
    electronic records kept no less than 30 days); a deployment may keep more."""
    return max(30, int(getattr(settings, "ANYING_MONITORING_RAW_DAYS", 30)))


def minute_days() -> int:
    return max(raw_days(), int(getattr(settings, "ANYING_MONITORING_MINUTE_DAYS", 400)))


# --- the tables -----------------------------------------------------------------------------------

def create_tables(schema_editor) -> None:
    """Called from migration 0003. The ORM never writes these tables (models are unmanaged)."""
    conn = schema_editor.connection
    with conn.cursor() as cur:
        if is_pg(conn):
            cur.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")
            timescale = cur.fetchone() is not None
            if timescale:
                cur.execute("CREATE EXTENSION IF NOT EXISTS timescaledb")
            part = "" if timescale else " PARTITION BY RANGE (t)"
            cur.execute(f"CREATE TABLE {RAW} (sensor_id integer NOT NULL, t bigint NOT NULL, "
                        f"value double precision NOT NULL, PRIMARY KEY (sensor_id, t)){part}")
            for name, table in AGG.items():
                part = " PARTITION BY RANGE (t)" if name == "minute" and not timescale else ""
                cur.execute(f"CREATE TABLE {table} (sensor_id integer NOT NULL, t bigint NOT NULL, "
                            "n integer NOT NULL, vmin double precision NOT NULL, vmax double precision NOT NULL, "
                            f"vsum double precision NOT NULL, PRIMARY KEY (sensor_id, t)){part}")
            if timescale:
                for table, chunk in ((RAW, DAY), (AGG["minute"], 30 * DAY)):
                    cur.execute("SELECT create_hypertable(%s, 't', chunk_time_interval => %s)", [table, chunk])
        else:
            cur.execute(f"CREATE TABLE {RAW} (sensor_id integer NOT NULL, t bigint NOT NULL, "
                        "value real NOT NULL, PRIMARY KEY (sensor_id, t)) WITHOUT ROWID")
            for table in AGG.values():
                cur.execute(f"CREATE TABLE {table} (sensor_id integer NOT NULL, t bigint NOT NULL, "
                            "n integer NOT NULL, vmin real NOT NULL, vmax real NOT NULL, vsum real NOT NULL, "
                            "PRIMARY KEY (sensor_id, t)) WITHOUT ROWID")
        cur.execute("CREATE TABLE monitoring_rollup (name varchar(16) PRIMARY KEY, upto bigint NOT NULL)")
        cur.execute("CREATE TABLE monitoring_rollup_dirty (sensor_id integer NOT NULL, t0 bigint NOT NULL, "
                    "t1 bigint NOT NULL)")
        if is_pg(conn):
            # every batch rewrites its sensors' latest value: room on each page for the new row
            # version (HOT updates) and an early vacuum keep the table from bloating under ingest
            # (bench/README.md: 344 MB for 100,000 sensors without, 17 MB compacted)
            cur.execute("ALTER TABLE monitoring_sensor SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.01)")


def drop_tables(schema_editor) -> None:
    with schema_editor.connection.cursor() as cur:
        for table in (RAW, *AGG.values(), "monitoring_rollup", "monitoring_rollup_dirty"):
            cur.execute(f"DROP TABLE IF EXISTS {table}")


def _partitioned(cur, table: str) -> bool:
    cur.execute("SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid WHERE c.relname = %s",
                [table])
    return cur.fetchone() is not None


def ensure_partitions(days: set[int], table: str = RAW) -> None:
    """Make the day partitions (day = t // DAY) that do not exist yet (PostgreSQL, declarative)."""
    if not is_pg():
        return
    span = DAY if table != AGG["minute"] else 30 * DAY
    missing = {d for d in days if (table, d) not in _known_partitions}
    if not missing:
        return
    with _lock, connection.cursor() as cur:
        if not _partitioned(cur, table):
            _known_partitions.update((table, d) for d in missing)
            return
        for d in sorted(missing):
            start = d * DAY if span == DAY else (d * DAY // span) * span
            name = f"{table}_{at(start):%Y%m%d}"
            # IF NOT EXISTS and a savepoint: another process may make the same partition now
            try:
                with transaction.atomic():
                    cur.execute(f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {table} "
                                f"FOR VALUES FROM ({start}) TO ({start + span})")
            except Exception:  # noqa: BLE001 — created concurrently: check below
                pass
            cur.execute("SELECT 1 FROM pg_class WHERE relname = %s", [name])
            if cur.fetchone() is None:
                raise RuntimeError(f"could not create partition {name}")
            _known_partitions.add((table, d))


def prepare(now: dt.datetime) -> None:
    """Partitions for yesterday to the day after tomorrow (the watch job calls this)."""
    today = ms(now) // DAY
    ensure_partitions({today - 1, today, today + 1, today + 2})
    ensure_partitions({today - 1, today, today + 1}, AGG["minute"])


def pg_array(values, fmt=str) -> str:
    """An array literal ('{1,2,3}') for `%s::integer[]` and the like. Django's psycopg cursor binds
    parameters on the client, where psycopg's list dumper costs about 1 µs an element; joining
    numbers is ten times cheaper. Only for finite numbers (repr of a float round-trips exactly)."""
    return "{" + ",".join(map(fmt, values)) + "}"


def _copy(cur, rows) -> None:
    """Binary COPY of (sensor_id, t, value) rows straight into the readings table."""
    raw = getattr(cur, "cursor", cur)  # Django's wrapper → the psycopg cursor
    # psycopg's own errors → Django's (IntegrityError for a duplicate or a missing partition)
    with connection.wrap_database_errors, raw.copy(f"COPY {RAW} (sensor_id, t, value) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(["int4", "int8", "float8"])
        for row in rows:
            copy.write_row(row)


def insert(rows: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Store readings; return those that were new (a duplicate (sensor, t) is ignored).

    PostgreSQL: first a binary COPY of the whole batch (about twice as fast as INSERT … ON
    CONFLICT, whose speculative insertion costs every row). The rows are already unique within
    the batch, so if the COPY succeeds every row was new. A batch that repeats a stored reading
    (a gateway resending) makes the COPY fail on the primary key: its savepoint is rolled back
    and the batch goes through INSERT … ON CONFLICT DO NOTHING RETURNING, which tells the new
    rows apart. A concurrent insert of the same reading waits for the other transaction and then
    fails the same way, so the result is the same as before, only cheaper in the common case."""
    if not rows:
        return []
    days = {t // DAY for _, t, _ in rows}
    ensure_partitions(days)
    with connection.cursor() as cur:
        if is_pg():
            for attempt in (1, 2):
                try:
                    with transaction.atomic():
                        _copy(cur, rows)
                    return rows
                except IntegrityError as exc:
                    if "no partition" not in str(exc) or attempt == 2:
                        break  # a duplicate: sort them out below
                    # a partition this process believed in is gone (dropped elsewhere, or rolled back)
                    _known_partitions.difference_update({(RAW, d) for d in days})
                    ensure_partitions(days)
            ids, ts, vs = zip(*rows, strict=True)
            cur.execute(f"INSERT INTO {RAW} (sensor_id, t, value) SELECT * FROM unnest(%s::integer[], "
                        "%s::bigint[], %s::float8[]) ON CONFLICT DO NOTHING RETURNING sensor_id, t, value",
                        [pg_array(ids), pg_array(ts), pg_array(vs, repr)])
            return cur.fetchall()
        if _sqlite_returning():
            # one multi-row INSERT OR IGNORE … RETURNING per 10,000 rows (3 parameters each, under
            # SQLite's 32,766) instead of a statement per reading; RETURNING gives only new rows
            new = []
            for start in range(0, len(rows), 10_000):
                chunk = rows[start:start + 10_000]
                marks = ",".join(["(%s, %s, %s)"] * len(chunk))
                cur.execute(f"INSERT OR IGNORE INTO {RAW} (sensor_id, t, value) VALUES {marks} "
                            "RETURNING sensor_id, t, value", [x for row in chunk for x in row])
                # float(): SQLite keeps a whole REAL as an integer on disk and RETURNING hands that back
                new += [(sid, t, float(v)) for sid, t, v in cur.fetchall()]
            return new
        new = []
        for row in rows:
            cur.execute(f"INSERT OR IGNORE INTO {RAW} (sensor_id, t, value) VALUES (%s, %s, %s)", row)
            if cur.rowcount == 1:
                new.append(row)
        return new


def _sqlite_returning() -> bool:
    import sqlite3

    return sqlite3.sqlite_version_info >= (3, 35)  # RETURNING


def mark_dirty(rows: list[tuple[int, int, float]], now_ms: int) -> None:
    """New readings (sorted by sensor and time) arrived: those of a minute the rollup may have
    passed are recorded per sensor, and the next rollup recomputes only those sensors' buckets."""
    late = now_ms - GRACE - MINUTE
    spans: dict[int, list[int]] = {}
    for sid, t, _ in rows:
        if t < late:
            span = spans.get(sid)
            if span is None:
                spans[sid] = [t, t]
            else:
                span[1] = max(span[1], t)
    if spans:
        with connection.cursor() as cur:
            cur.executemany("INSERT INTO monitoring_rollup_dirty (sensor_id, t0, t1) VALUES (%s, %s, %s)",
                            [(sid, t0, t1) for sid, (t0, t1) in spans.items()])


# --- rollup ---------------------------------------------------------------------------------------

def _bucket(col: str, size: int) -> str:
    return f"(({col} / {size}) * {size})" if is_pg() else f"((({col}) / {size}) * {size})"


def _fold(cur, source: str, target: str, size: int, t0: int, t1: int, sensors: list[int] | None = None) -> None:
    """Aggregate [t0, t1) of `source` into `target` buckets of `size` ms, overwriting them (only
    those of `sensors` when given)."""
    if sensors is not None:
        for i in range(0, len(sensors), 500):
            chunk = sensors[i:i + 500]
            _fold_where(cur, source, target, size, t0, t1, f" AND sensor_id IN ({', '.join(['%s'] * len(chunk))})",
                        chunk)
        return
    _fold_where(cur, source, target, size, t0, t1, "", [])


def _fold_where(cur, source: str, target: str, size: int, t0: int, t1: int, where: str, extra: list) -> None:
    if source == RAW:
        select = (f"SELECT sensor_id, {_bucket('t', size)} AS b, count(*), min(value), max(value), sum(value) "
                  f"FROM {RAW} WHERE t >= %s AND t < %s{where} GROUP BY sensor_id, b")
    else:
        select = (f"SELECT sensor_id, {_bucket('t', size)} AS b, sum(n), min(vmin), max(vmax), sum(vsum) "
                  f"FROM {source} WHERE t >= %s AND t < %s{where} GROUP BY sensor_id, b")
    cur.execute(f"INSERT INTO {target} (sensor_id, t, n, vmin, vmax, vsum) {select} "
                "ON CONFLICT (sensor_id, t) DO UPDATE SET n = excluded.n, vmin = excluded.vmin, "
                "vmax = excluded.vmax, vsum = excluded.vsum", [t0, t1, *extra])


def _watermark(cur, name: str, default: int) -> int:
    # two processes starting together both insert: the second's insert is a no-op; then the row
    # is read under a lock (PostgreSQL), so only one folds a given span at a time
    cur.execute("INSERT INTO monitoring_rollup (name, upto) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING",
                [name, default])
    cur.execute("SELECT upto FROM monitoring_rollup WHERE name = %s" + (" FOR UPDATE" if is_pg() else ""), [name])
    return cur.fetchone()[0]


def rollup(now: dt.datetime, max_span: int = 30 * MINUTE) -> int:
    """Fold completed minutes and hours; recompute dirty ranges. Returns buckets' span in minutes
    processed (0 when nothing was due). Safe to run from two processes: the watermark row is locked."""
    now_ms = ms(now)
    done = 0
    with transaction.atomic(), connection.cursor() as cur:
        minute_upto = _watermark(cur, "minute", (now_ms - GRACE) // HOUR * HOUR)
        target = min((now_ms - GRACE) // MINUTE * MINUTE, minute_upto + max_span)
        if target > minute_upto:
            ensure_partitions({d for d in range(minute_upto // DAY, target // DAY + 1)}, AGG["minute"])
            _fold(cur, RAW, AGG["minute"], MINUTE, minute_upto, target)
            cur.execute("UPDATE monitoring_rollup SET upto = %s WHERE name = 'minute'", [target])
            done += (target - minute_upto) // MINUTE
            minute_upto = target
        # taken and deleted in one statement: a dirty row committed meanwhile stays for the next run
        if is_pg() or _sqlite_returning():
            cur.execute("DELETE FROM monitoring_rollup_dirty RETURNING sensor_id, t0, t1")
            dirty = cur.fetchall()
        else:  # SQLite before 3.35: one writer at a time anyway
            cur.execute("SELECT sensor_id, t0, t1 FROM monitoring_rollup_dirty")
            dirty = cur.fetchall()
            cur.execute("DELETE FROM monitoring_rollup_dirty")
        if dirty:
            cur.execute("SELECT upto FROM monitoring_rollup WHERE name = 'hour'")
            hour_row = cur.fetchone()
            for t0, t1, sensors in _merge(dirty):
                m0, m1 = t0 // MINUTE * MINUTE, min((t1 // MINUTE + 1) * MINUTE, minute_upto)
                if m1 > m0:
                    _fold(cur, RAW, AGG["minute"], MINUTE, m0, m1, sensors)
                h0, h1 = t0 // HOUR * HOUR, (t1 // HOUR + 1) * HOUR
                if hour_row and min(h1, hour_row[0]) > h0:
                    _fold(cur, AGG["minute"], AGG["hour"], HOUR, h0, min(h1, hour_row[0]), sensors)
                done += 1
        hour_upto = _watermark(cur, "hour", minute_upto // HOUR * HOUR)
        hour_target = minute_upto // HOUR * HOUR
        if hour_target > hour_upto:
            _fold(cur, AGG["minute"], AGG["hour"], HOUR, hour_upto, hour_target)
            cur.execute("UPDATE monitoring_rollup SET upto = %s WHERE name = 'hour'", [hour_target])
    return done


def _merge(ranges: list[tuple[int, int, int]]) -> list[tuple[int, int, list[int]]]:
    """Overlapping (sensor, t0, t1) spans merged into (t0, t1, sensors): a backfill of many
    sensors over the same hours is one fold per span, limited to those sensors."""
    out: list[list] = []
    for sid, t0, t1 in sorted(ranges, key=lambda r: (r[1], r[2])):
        if out and t0 <= out[-1][1] + MINUTE:
            out[-1][1] = max(out[-1][1], t1)
            out[-1][2].add(sid)
        else:
            out.append([t0, t1, {sid}])
    return [(a, b, sorted(c)) for a, b, c in out]


def expire(now: dt.datetime) -> int:
    """Drop raw readings older than the retention (whole day partitions on PostgreSQL)."""
    cutoff = (ms(now) // DAY - raw_days()) * DAY
    minute_cutoff = (ms(now) // DAY - minute_days()) * DAY
    dropped = 0
    with connection.cursor() as cur:
        if is_pg():
            for table, cut in ((RAW, cutoff), (AGG["minute"], minute_cutoff)):
                cur.execute("SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
                            "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
                            "WHERE p.relname = %s", [table])
                for name, bound in cur.fetchall():
                    upper = int(bound.rsplit("(", 1)[1].rstrip(")").strip("'"))
                    if upper <= cut:
                        cur.execute(f"DROP TABLE {name}")
                        _known_partitions.discard((table, (upper - 1) // DAY))
                        dropped += 1
        else:
            cur.execute(f"DELETE FROM {RAW} WHERE t < %s", [cutoff])
            dropped += cur.rowcount
            cur.execute(f"DELETE FROM {AGG['minute']} WHERE t < %s", [minute_cutoff])
    return dropped


# --- reading back ---------------------------------------------------------------------------------

def raw(sensor_id: int, t0: int, t1: int, limit: int = 2000) -> list[tuple[int, float]]:
    """One sensor's raw readings in [t0, t1], the last `limit` of them (an alarm's surroundings)."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT t, value FROM {RAW} WHERE sensor_id = %s AND t >= %s AND t <= %s "
                    "ORDER BY t DESC LIMIT %s", [sensor_id, t0, t1, limit])
        return cur.fetchall()[::-1]


def recent(sensor_ids: list[int], since: int) -> dict[int, list[tuple[int, float]]]:
    """Per-minute means of a few sensors since `since` (the live board's sparklines): the minute
    aggregates up to the rollup, the raw rows after it — at most one point a minute, whatever the
    sensors' rate."""
    if not sensor_ids:
        return {}
    out: dict[int, list[tuple[int, float]]] = {i: [] for i in sensor_ids}
    marks = ", ".join(["%s"] * len(sensor_ids))
    with connection.cursor() as cur:
        cur.execute("SELECT upto FROM monitoring_rollup WHERE name = 'minute'")
        row = cur.fetchone()
        upto = max(row[0] if row else since, since)
        cur.execute(f"SELECT sensor_id, t, vsum / n FROM {AGG['minute']} WHERE sensor_id IN ({marks}) "
                    "AND t >= %s AND t < %s ORDER BY sensor_id, t", [*sensor_ids, since, upto])
        rows = cur.fetchall()
        cur.execute(f"SELECT sensor_id, {_bucket('t', MINUTE)} AS b, avg(value) FROM {RAW} "
                    f"WHERE sensor_id IN ({marks}) AND t >= %s GROUP BY sensor_id, b ORDER BY sensor_id, b",
                    [*sensor_ids, upto])
        rows += cur.fetchall()
    for sid, t, v in sorted(rows):
        out[sid].append((t, v))
    return out


def series(sensor_id: int, t0: int, t1: int) -> tuple[str, list[tuple[int, int, float, float, float]]]:
    """A sensor's history between t0 and t1 as (bucket, n, min, max, mean) rows: minute buckets up
    to two days, hour buckets beyond; what the rollup has not reached yet is aggregated from the
    raw rows on the fly (at most a few minutes, or the current hour)."""
    size, table = (MINUTE, AGG["minute"]) if t1 - t0 <= 2 * DAY else (HOUR, AGG["hour"])
    with connection.cursor() as cur:
        cur.execute("SELECT upto FROM monitoring_rollup WHERE name = %s", ["minute" if size == MINUTE else "hour"])
        row = cur.fetchone()
        upto = min(row[0] if row else t0, t1)
        upto = max(upto, t0 // size * size)
        cur.execute(f"SELECT t, n, vmin, vmax, vsum FROM {table} WHERE sensor_id = %s AND t >= %s AND t < %s "
                    "ORDER BY t", [sensor_id, t0 // size * size, upto])
        rows = cur.fetchall()
        cur.execute(f"SELECT {_bucket('t', size)} AS b, count(*), min(value), max(value), sum(value) FROM {RAW} "
                    "WHERE sensor_id = %s AND t >= %s AND t < %s GROUP BY b ORDER BY b", [sensor_id, upto, t1])
        rows += cur.fetchall()
    return ("minute" if size == MINUTE else "hour"), [(t, n, lo, hi, total / n) for t, n, lo, hi, total in rows if n]
