from django.db import migrations

from anying.core.textsearch import short_term_index


class Migration(migrations.Migration):
    """Index for one- and two-character searches (氨气, 车间) on place and description."""

    dependencies = [("hazards", "0017_review_clock")]

    operations = [short_term_index("hazards_hazard", ["place", "description"])]
