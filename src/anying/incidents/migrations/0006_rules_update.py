from django.db import migrations


def load(apps, schema_editor):
    """The defaults again (update_or_create by code and date): 续报 and 补报 rows of 原安监总局令第21号
    limited to accident kinds; the natural-disaster 续报 added."""
    from anying.incidents import rules

    rules.load_defaults(apps.get_model("incidents", "ReportRule"))


class Migration(migrations.Migration):
    dependencies = [("incidents", "0005_report_recorded_at")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
