import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture
def posts(db):
    from anying.duty import defaults
    from anying.duty.models import DutyPost, StaffingRule

    if not DutyPost.objects.exists():  # a transactional test flushed the migration's rows
        defaults.load(DutyPost, StaffingRule)
    return {p.code: p for p in DutyPost.objects.all()}


def today() -> dt.date:
    return timezone.localdate()
