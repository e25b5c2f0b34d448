"""复查 also falls due when a deadline passes without a request (clock hazard_review_lapsed), and
the extension-answer and review clocks remind on their due day too: their default rungs."""

from pathlib import Path

from django.db import migrations

from anying.core.migrations_support import load_clock_defaults

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    load_clock_defaults(apps, DATA, {"hazard_review_lapsed": "review_lapsed_clock.csv",
                                     "extension_answer": "extension_answer_clock.csv",
                                     "hazard_review": "review_clock.csv"})


class Migration(migrations.Migration):
    dependencies = [("hazards", "0021_default_deadlines"), ("core", "0009_clockstep_cycle")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
