from django.db import migrations


def load(apps, schema_editor):
    from anying.incidents import rules

    rules.load_defaults(apps.get_model("incidents", "ReportRule"))


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
