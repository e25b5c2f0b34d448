import datetime as dt
import random

import pytest
from django.utils import timezone

from anying.core.models import Organisation
from anying.core.permissions import SYSTEM
from anying.warning import demo, services
from anying.warning.models import Contact, Warning


@pytest.fixture
def units(users):
    return {o.name: o for o in Organisation.objects.all()}


@pytest.fixture
def roster(users):
    """The demo 责任人名册 of 旧县街道 and 虎峰镇 (their villages, leaders, grid workers, monitors)."""
    demo._contacts(random.Random(3))
    return Contact.objects.all()


@pytest.fixture
def make_warning(users, units, town):
    def make(towns=("旧县街道", "虎峰镇"), kind="rainstorm", level="orange", author="yingji", **fields):
        now = timezone.now()
        data = {"kind": kind, "level": level, "agency": "铜梁区气象台", "headline": f"测试{level}预警",
                "description": "预计未来6小时降雨量将达50毫米以上。", "onset": now,
                "expires": now + dt.timedelta(hours=12), **fields}
        return services.save_draft(users[author], Warning(**data), [town(t) for t in towns])
    return make


def issue(warning, submitter, approver):
    services.act(submitter, warning.pk, "submit")
    return services.act(approver, warning.pk, "issue")


@pytest.fixture
def issued(make_warning, roster, users):
    return issue(make_warning(), users["yingji"], users["leader"])


__all__ = ["SYSTEM", "issue"]
