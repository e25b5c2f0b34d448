"""The 90-day decision deadline of a penalty case becomes a clock (core.clock)."""

from pathlib import Path

from django.db import migrations

from anying.core.migrations_support import load_clock_defaults

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    load_clock_defaults(apps, DATA, {"penalty_decision": "penalty_decision_clock.csv"})


class Migration(migrations.Migration):
    dependencies = [("inspections", "0009_penalty_version"), ("core", "0007_clocks_numbering")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
