import csv
from pathlib import Path

from django.db import migrations


def load(apps, schema_editor):
    """The default rules (no region) from data/tip_rules.csv, with their sources."""
    TipRules = apps.get_model("tips", "TipRules")
    path = Path(__file__).resolve().parent.parent / "data" / "tip_rules.csv"
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            values = {k: v for k, v in row.items() if k != "source"}
            TipRules.objects.update_or_create(region=None, defaults={**values, "source": row["source"][:300]})


class Migration(migrations.Migration):
    dependencies = [("tips", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
