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
