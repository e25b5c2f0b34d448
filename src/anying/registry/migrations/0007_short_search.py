from django.db import migrations

from anying.core.textsearch import short_term_index


class Migration(migrations.Migration):
    """Index for one- and two-character searches of enterprise names."""

    dependencies = [("registry", "0006_certificate_expiry_clock")]

    operations = [short_term_index("registry_enterprise", ["name"])]
