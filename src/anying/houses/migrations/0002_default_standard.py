"""The product default subsidy standard (data/subsidy_standards.csv, each figure with its source)."""

from django.db import migrations


def load(apps, schema_editor):
    from anying.houses.standards import load_defaults

    load_defaults(apps.get_model("houses", "Standard"))


class Migration(migrations.Migration):
    dependencies = [("houses", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
