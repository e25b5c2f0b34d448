from django.db import migrations


def load(apps, schema_editor):
    from anying.duty import defaults

    defaults.load(apps.get_model("duty", "DutyPost"), apps.get_model("duty", "StaffingRule"))


class Migration(migrations.Migration):
    dependencies = [("duty", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
