from django.db import migrations


def load(apps, schema_editor):
    from anying.plans import reference

    reference.load(*(apps.get_model("plans", name) for name in ("HazardType", "Requirement", "CoverageRule",
                                                                 "DrillQuota")))


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
