"""Tip deadlines move onto core's clocks (core.clock): default ladders loaded with their
sources, the flags raised so far kept as clock steps."""

from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
CLOCKS = {"tip_verify": "verify_clock.csv", "tip_reply": "reply_clock.csv"}
KINDS = {"verify": ("tip_verify", "核查逾期"), "reply": ("tip_reply", "答复逾期")}


def load(apps, schema_editor):
    from anying.core.clock import load_defaults

    for name, filename in CLOCKS.items():
        load_defaults(name, DATA / filename, apps.get_model("core", "ClockRung"))


def forward(apps, schema_editor):
    load(apps, schema_editor)
    ContentType = apps.get_model("contenttypes", "ContentType")
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM tips_tipescalation")
        if not cursor.fetchone()[0]:
            return
        ct, _ = ContentType.objects.using(connection.alias).get_or_create(app_label="tips", model="tip")
        for kind, (clock, label) in KINDS.items():
            cursor.execute(
                "INSERT INTO core_clockstep (clock, content_type_id, object_id, code, label, days, at, document_no) "
                "SELECT %s, %s, tip_id, 'overdue', %s, 1, at, '' FROM tips_tipescalation WHERE kind = %s",
                [clock, ct.pk, label, kind])


class Migration(migrations.Migration):
    dependencies = [("tips", "0004_reward_version"), ("core", "0007_clocks_numbering"),
                    ("contenttypes", "0002_remove_content_type_name")]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.DeleteModel(name="TipEscalation"),
    ]
