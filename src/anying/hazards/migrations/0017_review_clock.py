"""The review deadline of a submitted hazard becomes a clock (core.clock)."""

from pathlib import Path

from django.db import migrations

from anying.core.migrations_support import load_clock_defaults

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    load_clock_defaults(apps, DATA, {"hazard_review": "review_clock.csv"})


class Migration(migrations.Migration):
    dependencies = [("hazards", "0016_clocks")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
