from django.db import migrations

from anying.core.textsearch import trigram_indexes


class Migration(migrations.Migration):
    """Substring search on enterprise names (the registry list and the hazard list's 搜索)."""

    dependencies = [("registry", "0002_risk_tags")]

    operations = [trigram_indexes("registry_enterprise", ["name"])]
