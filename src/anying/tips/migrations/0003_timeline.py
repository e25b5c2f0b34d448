"""The tip timeline moves to core's shared TimelineEvent (core.workflow): copy, then drop."""

from django.db import migrations

from anying.core.migrations_support import move_timeline


def forward(apps, schema_editor):
    move_timeline(apps, schema_editor, "tips", "tip", "tips_tipevent", "tip_id", "action", "from_status", "to_status",
                  public="public")


class Migration(migrations.Migration):
    dependencies = [("tips", "0002_rules"), ("core", "0006_timeline"), ("contenttypes", "0002_remove_content_type_name")]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.DeleteModel(name="TipEvent"),
    ]
