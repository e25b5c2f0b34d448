import csv
from pathlib import Path

from django.db import migrations


def load(apps, schema_editor):
    RiskTag = apps.get_model("registry", "RiskTag")
    path = Path(__file__).resolve().parent.parent / "data" / "risk_tags.csv"
    with open(path, encoding="utf-8") as fh:
        for sort, row in enumerate(csv.DictReader(fh)):
            RiskTag.objects.update_or_create(code=row["code"], defaults={"name": row["name"], "sort": sort})


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
