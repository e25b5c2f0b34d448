import csv
from pathlib import Path

from django.db import migrations


def load(apps, schema_editor):
    FrequencyRule = apps.get_model("inspections", "FrequencyRule")
    path = Path(__file__).resolve().parent.parent / "data" / "inspection_frequencies.csv"
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            FrequencyRule.objects.update_or_create(code=row["code"], defaults={
                "label": row["label"], "std_grade": row["std_grade"], "risk_tagged": row["risk_tagged"] == "1",
                "months": int(row["months"]), "source": row["source"][:300]})


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
