from django.db import migrations


def load(apps, schema_editor):
    """The LEC factor tables and the default bands (data/lec_*.csv, data/ls_matrix_variants.csv)."""
    from anying.standards.riskbands import load_defaults

    load_defaults(apps.get_model("standards", "RiskFactor"), apps.get_model("standards", "RiskBand"))


class Migration(migrations.Migration):
    dependencies = [("standards", "0003_risk_grading")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
