"""The review deadline of a submitted hazard becomes a clock (core.clock)."""

from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    from anying.core.clock import load_defaults

    load_defaults("hazard_review", DATA / "review_clock.csv", apps.get_model("core", "ClockRung"))


class Migration(migrations.Migration):
    dependencies = [("hazards", "0016_clocks")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
