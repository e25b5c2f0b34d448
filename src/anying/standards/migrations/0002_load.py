from django.db import migrations


def load(apps, schema_editor):
    from anying.standards.loaders import load_accident_types, load_criteria

    load_criteria(apps.get_model("standards", "CriteriaSet"), apps.get_model("standards", "Criterion"),
                  apps.get_model("core", "Industry"))
    load_accident_types(apps.get_model("standards", "AccidentType"))


class Migration(migrations.Migration):
    dependencies = [("standards", "0001_initial"), ("core", "0002_industries")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
