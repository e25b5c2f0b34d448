"""The default ladder of the linkage-meeting clock (data/linkage_meeting_clock.csv, each rung
cited: seed 001「5月底前，召开全区应急救援联动联席会议」)."""

from pathlib import Path

from django.db import migrations

from anying.core.migrations_support import load_clock_defaults

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    load_clock_defaults(apps, DATA, {"rescue_linkage_meeting": "linkage_meeting_clock.csv"})


class Migration(migrations.Migration):
    dependencies = [("rescue", "0003_grassroots_meetings_targets")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
