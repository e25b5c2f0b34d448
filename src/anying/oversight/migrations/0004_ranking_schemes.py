import csv
from pathlib import Path

from django.db import migrations


def load(apps, schema_editor):
    """The default 晾晒 and 考核 schemes from data/ranking_schemes.csv (one row per indicator)."""
    Scheme = apps.get_model("oversight", "RankingScheme")
    path = Path(__file__).resolve().parent.parent / "data" / "ranking_schemes.csv"
    schemes: dict = {}
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            scheme = schemes.setdefault(row["code"], {
                "name": row["name"], "subject": row["subject"], "period": row["period"], "purpose": row["purpose"],
                "source": row["source"][:300], "indicators": []})
            scheme["indicators"].append({"code": row["indicator"], "weight": row["weight"]})
    for code, fields in schemes.items():
        Scheme.objects.update_or_create(code=code, defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("oversight", "0003_rankings_reports")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
