"""Key-task and milestone deadlines and the 回头看 move onto core's clocks (core.clock): default
ladders loaded with their sources, the reminders sent so far kept as clock steps."""

from pathlib import Path

from django.db import migrations

from anying.core.migrations_support import CONTENT_TYPE, copy_clock_steps, load_clock_defaults

DATA = Path(__file__).resolve().parent.parent / "data"
CLOCKS = {"keytask_due": "keytask_clock.csv", "milestone_due": "milestone_clock.csv",
          "accident_lookback": "lookback_clock.csv"}
# clock, model, table, due column, flag column, rung code and label
SENT = [("keytask_due", "keytask", "oversight_keytask", "due", "overdue_notified_at", "overdue", "任务逾期"),
        ("milestone_due", "milestone", "oversight_milestone", "due", "overdue_notified_at", "overdue", "节点逾期"),
        ("accident_lookback", "accident", "oversight_accident", "lookback_due", "lookback_notified_at", "due", "回头看到期")]


def forward(apps, schema_editor):
    load_clock_defaults(apps, DATA, CLOCKS)
    for clock, model, table, _due, flag, code, label in SENT:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {flag} IS NOT NULL")  # noqa: S608 - names above
            if not cursor.fetchone()[0]:
                continue
        copy_clock_steps(apps, schema_editor, "oversight", model,
                         f"SELECT %s, %s, id, %s, %s, 0, {flag}, '' FROM {table} WHERE {flag} IS NOT NULL",
                         [clock, CONTENT_TYPE, code, label])


class Migration(migrations.Migration):
    dependencies = [("oversight", "0005_lifecycle_versions"), ("core", "0007_clocks_numbering"),
                    ("contenttypes", "0002_remove_content_type_name")]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.RemoveField(model_name="accident", name="lookback_notified_at"),
        migrations.RemoveField(model_name="keytask", name="overdue_notified_at"),
        migrations.RemoveField(model_name="milestone", name="overdue_notified_at"),
    ]
