import csv
from pathlib import Path

from django.db import migrations


def load(apps, schema_editor):
    """The grades of 《生产安全事故报告和调查处理条例》第三条 from data/accident_grades.csv."""
    Rule = apps.get_model("oversight", "AccidentGradeRule")
    path = Path(__file__).resolve().parent.parent / "data" / "accident_grades.csv"
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            Rule.objects.update_or_create(grade=row["grade"], defaults={
                "rank": int(row["rank"]), "min_deaths": int(row["min_deaths"]),
                "min_serious_injuries": int(row["min_serious_injuries"]),
                "min_direct_loss": row["min_direct_loss"], "source": row["source"][:300]})


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
