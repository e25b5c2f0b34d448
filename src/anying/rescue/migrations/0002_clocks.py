"""The default ladders of the two rescue clocks (data/certificate_clock.csv, data/standby_clock.csv),
each rung cited. No equipment catalogue is loaded: data/equipment_catalogue.csv says why."""

from pathlib import Path

from django.db import migrations

from anying.core.migrations_support import load_clock_defaults

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    load_clock_defaults(apps, DATA, {"rescue_certificate": "certificate_clock.csv",
                                     "rescue_standby": "standby_clock.csv"})


class Migration(migrations.Migration):
    dependencies = [("rescue", "0001_initial"), ("core", "0011_document_wording")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
