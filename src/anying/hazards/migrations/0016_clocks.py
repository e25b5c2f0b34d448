"""The overdue ladder and the extension-answer clock move to core's clocks (core.clock), with
their steps; document counters move to core.numbering."""

from pathlib import Path

from django.conf import settings
from django.db import migrations, models

DATA = Path(__file__).resolve().parent.parent / "data"
CLOCKS = {"hazard_overdue": "overdue_ladder.csv", "extension_answer": "extension_answer_clock.csv"}


def load(apps, schema_editor):
    from anying.core.clock import load_defaults

    for name, filename in CLOCKS.items():
        load_defaults(name, DATA / filename, apps.get_model("core", "ClockRung"))


def forward(apps, schema_editor):
    load(apps, schema_editor)
    ContentType = apps.get_model("contenttypes", "ContentType")
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM hazards_escalation")
        if cursor.fetchone()[0]:
            ct, _ = ContentType.objects.using(connection.alias).get_or_create(app_label="hazards", model="hazard")
            cursor.execute(
                "INSERT INTO core_clockstep (clock, content_type_id, object_id, code, label, days, at, document_no) "
                "SELECT 'hazard_overdue', %s, e.hazard_id, s.code, s.label, e.days_overdue, e.at, '' "
                "FROM hazards_escalation e JOIN hazards_escalationstep s ON s.id = e.step_id", [ct.pk])
        cursor.execute("INSERT INTO core_documentcounter (prefix, year, last) "
                       "SELECT prefix, year, last FROM hazards_documentcounter")


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
