"""Every hazard has a 整改期限: those registered without one get their level's default (settings
ANYING_GENERAL_HAZARD_DAYS / ANYING_MAJOR_HAZARD_DAYS) from the day they were found, so none
escapes the overdue ladder and the rankings. One UPDATE per level (a million rows are not read
into Python), then the due tally, which counts hazards by deadline, is recounted."""

from django.conf import settings
from django.db import migrations
from django.db.models import Count

LEVELS = (("general", "ANYING_GENERAL_HAZARD_DAYS"), ("major", "ANYING_MAJOR_HAZARD_DAYS"))
LATE_STATES = ("registered", "rectifying")


def fill(apps, schema_editor):
    Hazard = apps.get_model("hazards", "Hazard")
    if not Hazard.objects.filter(deadline__isnull=True).exists():
        return
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        for level, setting in LEVELS:
            days = int(getattr(settings, setting))
            plus = "found_on + %s" if vendor == "postgresql" else "date(found_on, '+' || %s || ' days')"
            cursor.execute(f"UPDATE hazards_hazard SET deadline = {plus} WHERE deadline IS NULL AND level = %s",
                           [days, level])
    _recount_due(apps)


def _recount_due(apps):
    from anying.core.bulk import insert_rows

    Hazard, Due = apps.get_model("hazards", "Hazard"), apps.get_model("hazards", "HazardDueTally")
    rows = (Hazard.objects.filter(status__in=LATE_STATES, deadline__isnull=False)
            .values("region_id", "industry_id", "level", "deadline").annotate(n=Count("id")).order_by())
    Due.objects.all().delete()
    insert_rows(Due, ["region", "industry", "level", "deadline", "n"],
                [(r["region_id"], r["industry_id"], r["level"], r["deadline"], r["n"]) for r in rows])


class Migration(migrations.Migration):
    dependencies = [("hazards", "0020_checklist_revision")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
