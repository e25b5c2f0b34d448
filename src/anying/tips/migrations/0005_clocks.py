"""Tip deadlines move onto core's clocks (core.clock): default ladders loaded with their
sources, the flags raised so far kept as clock steps."""

from pathlib import Path

from django.db import migrations

from anying.core.migrations_support import CONTENT_TYPE, copy_clock_steps, load_clock_defaults

DATA = Path(__file__).resolve().parent.parent / "data"
CLOCKS = {"tip_verify": "verify_clock.csv", "tip_reply": "reply_clock.csv"}
KINDS = {"verify": ("tip_verify", "核查逾期"), "reply": ("tip_reply", "答复逾期")}


def forward(apps, schema_editor):
    load_clock_defaults(apps, DATA, CLOCKS)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM tips_tipescalation")
        if not cursor.fetchone()[0]:
            return
    for kind, (clock, label) in KINDS.items():
        copy_clock_steps(apps, schema_editor, "tips", "tip",
                         "SELECT %s, %s, tip_id, 'overdue', %s, 1, at, '' FROM tips_tipescalation WHERE kind = %s",
                         [clock, CONTENT_TYPE, label, kind])


class Migration(migrations.Migration):
    dependencies = [("tips", "0004_reward_version"), ("core", "0007_clocks_numbering"),
                    ("contenttypes", "0002_remove_content_type_name")]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.DeleteModel(name="TipEscalation"),
    ]
