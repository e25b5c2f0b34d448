"""The hazard timeline moves to core's shared TimelineEvent (core.workflow): copy, then drop."""

from django.db import migrations

from anying.core.migrations_support import move_timeline


def forward(apps, schema_editor):
    move_timeline(apps, schema_editor, "hazards", "hazard", "hazards_hazardevent", "hazard_id", "transition",
                  "from_status", "to_status", public=None)


class Migration(migrations.Migration):
    dependencies = [("hazards", "0014_due_tally_covering_index"), ("core", "0006_timeline"),
                    ("contenttypes", "0002_remove_content_type_name")]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.DeleteModel(name="HazardEvent"),
    ]
