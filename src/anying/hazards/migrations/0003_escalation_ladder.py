import csv
from pathlib import Path

from django.db import migrations


def load(apps, schema_editor):
    EscalationStep = apps.get_model("hazards", "EscalationStep")
    path = Path(__file__).resolve().parent.parent / "data" / "escalation_ladder.csv"
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            EscalationStep.objects.update_or_create(code=row["code"], defaults={
                "label": row["label"], "days_overdue": int(row["days_overdue"]), "major_only": row["major_only"] == "1",
                "source": row["source"][:200]})


class Migration(migrations.Migration):
    dependencies = [("hazards", "0002_escalation")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
