"""Certificate-expiry reminders move onto core's clocks (core.clock, clock `certificate_expiry`):
the default ladder loaded with its source, the reminders sent so far kept as clock steps keyed
on the expiry date they served, so nobody is reminded twice after the upgrade."""

from pathlib import Path

from django.db import migrations

from anying.core.migrations_support import CONTENT_TYPE, copy_clock_steps, load_clock_defaults

DATA = Path(__file__).resolve().parent.parent / "data"
CLOCK = "certificate_expiry"
LABEL = "请及时申请复评"
TABLE = "registry_standardizationreminder"


def forward(apps, schema_editor):
    load_clock_defaults(apps, DATA, {CLOCK: "certificate_expiry_clock.csv"})
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")  # noqa: S608 - fixed table name
        if not cursor.fetchone()[0]:
            return
    # Any reminder for an expiry date means the 90-day mark is behind it: a certificate first seen
    # within 30 days got only the 30-day one, and the clock must not send the 90-day one now.
    copy_clock_steps(apps, schema_editor, "registry", "enterprise",
                     f"SELECT %s, %s, enterprise_id, 'd90', %s, -90, MIN(sent_at), '', expiry_date FROM {TABLE} "  # noqa: S608
                     "GROUP BY enterprise_id, expiry_date", [CLOCK, CONTENT_TYPE, LABEL], cycle=True)
    copy_clock_steps(apps, schema_editor, "registry", "enterprise",
                     f"SELECT %s, %s, enterprise_id, 'd30', %s, -30, sent_at, '', expiry_date FROM {TABLE} "  # noqa: S608
                     "WHERE days = 30", [CLOCK, CONTENT_TYPE, LABEL], cycle=True)


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_risk_point_retired"), ("core", "0009_clockstep_cycle"),
                    ("contenttypes", "0002_remove_content_type_name")]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.DeleteModel(name="StandardizationReminder"),
    ]
