from django.db import migrations


def load(apps, schema_editor):
    from anying.core.reference import load_industries

    load_industries(apps.get_model("core", "Industry"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
