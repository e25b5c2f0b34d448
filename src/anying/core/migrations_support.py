"""Helpers for data migrations that more than one app needs (kept out of `migrations/` so the
migration loader does not take them for migrations)."""

from __future__ import annotations


def move_timeline(apps, schema_editor, app_label: str, model: str, table: str, fk: str, action: str,
                  from_col: str, to_col: str, public: str | None) -> None:
    """Copy an app's own event table into core_timelineevent with one INSERT … SELECT (a district's
    history can be millions of rows; no Python objects per row)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed table names from migrations
        if not cursor.fetchone()[0]:
            return
        content_type, _ = ContentType.objects.using(connection.alias).get_or_create(app_label=app_label, model=model)
        public_sql = public or "%s"
        params = [content_type.pk] + ([] if public else [False])
        cursor.execute(
            f"INSERT INTO core_timelineevent (content_type_id, object_id, action, from_state, to_state, actor_id, "  # noqa: S608
            f"comment, public, at) SELECT %s, {fk}, {action}, {from_col}, {to_col}, actor_id, comment, {public_sql}, at "
            f"FROM {table} ORDER BY id", params)


def load_clock_defaults(apps, data_dir, clocks: dict[str, str]) -> None:
    """Each clock's default ladder from its CSV in `data_dir` ({clock name: file name})."""
    from anying.core.clock import load_defaults

    for name, filename in clocks.items():
        load_defaults(name, data_dir / filename, apps.get_model("core", "ClockRung"))


CONTENT_TYPE = object()


def copy_clock_steps(apps, schema_editor, app_label: str, model: str, select_sql: str, params: list, *,
                     cycle: bool = False) -> None:
    """Rungs an app recorded its own way, kept as core_clockstep rows. `select_sql` selects (clock,
    content type, object id, code, label, days, at, document_no), and the due date served after
    them for a clock with cycles (`cycle`); `CONTENT_TYPE` in `params` stands for the model's
    content type."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    connection = schema_editor.connection
    ct, _ = ContentType.objects.using(connection.alias).get_or_create(app_label=app_label, model=model)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO core_clockstep (clock, content_type_id, object_id, code, label, days, at, "
                       f"document_no{', cycle' if cycle else ''}) {select_sql}",
                       [ct.pk if p is CONTENT_TYPE else p for p in params])
