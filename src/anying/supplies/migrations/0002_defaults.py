"""The default catalogue (data/items.csv) and the expiry clock's default ladder (data/expiry_clock.csv)."""

from pathlib import Path

from django.db import migrations

from anying.core.migrations_support import load_clock_defaults

DATA = Path(__file__).resolve().parent.parent / "data"


def forward(apps, schema_editor):
    from anying.supplies.catalogue import load

    load(apps.get_model("supplies", "Item"))
    load_clock_defaults(apps, DATA, {"supplies_expiry": "expiry_clock.csv"})


class Migration(migrations.Migration):
    dependencies = [("supplies", "0001_initial"), ("core", "0009_clockstep_cycle")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
