"""The 90-day decision deadline of a penalty case becomes a clock (core.clock)."""

from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    from anying.core.clock import load_defaults

    load_defaults("penalty_decision", DATA / "penalty_decision_clock.csv", apps.get_model("core", "ClockRung"))


class Migration(migrations.Migration):
    dependencies = [("inspections", "0009_penalty_version"), ("core", "0007_clocks_numbering")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
