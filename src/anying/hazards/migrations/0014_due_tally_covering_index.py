"""PostgreSQL only: the dashboard's overdue sum (`deadline < today`, summed by level or region)
read from the index alone. At ten million hazards the due tally holds ~140,000 rows and this
halves the query (bench/README.md). SQLite has no INCLUDE; its plain deadline index stays."""

from django.db import migrations

NAME = "hazard_due_tally_covering"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON hazards_hazardduetally (deadline) "
                              "INCLUDE (region_id, industry_id, level, n)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("hazards", "0013_rollups")]
    operations = [migrations.RunPython(create, drop)]
