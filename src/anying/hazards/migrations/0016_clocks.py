"""The overdue ladder and the extension-answer clock move to core's clocks (core.clock), with
their steps; document counters move to core.numbering."""

from pathlib import Path

from django.conf import settings
from django.db import migrations, models

from anying.core.migrations_support import CONTENT_TYPE, copy_clock_steps, load_clock_defaults

DATA = Path(__file__).resolve().parent.parent / "data"
CLOCKS = {"hazard_overdue": "overdue_ladder.csv", "extension_answer": "extension_answer_clock.csv"}


def forward(apps, schema_editor):
    load_clock_defaults(apps, DATA, CLOCKS)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM hazards_escalation")
        escalated = cursor.fetchone()[0]
        cursor.execute("INSERT INTO core_documentcounter (prefix, year, last) "
                       "SELECT prefix, year, last FROM hazards_documentcounter")
    if escalated:
        copy_clock_steps(apps, schema_editor, "hazards", "hazard",
                         "SELECT 'hazard_overdue', %s, e.hazard_id, s.code, s.label, e.days_overdue, e.at, '' "
                         "FROM hazards_escalation e JOIN hazards_escalationstep s ON s.id = e.step_id", [CONTENT_TYPE])


class Migration(migrations.Migration):
    dependencies = [("hazards", "0015_timeline"), ("core", "0007_clocks_numbering"),
                    ("contenttypes", "0002_remove_content_type_name")]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.DeleteModel(name="Escalation"),
        migrations.DeleteModel(name="EscalationStep"),
        migrations.DeleteModel(name="DocumentCounter"),
        migrations.AlterField(
            model_name="supervision", name="created_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=models.deletion.PROTECT, related_name="+",
                                    to=settings.AUTH_USER_MODEL),
        ),
    ]
