import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from anying.core.models import Organisation, Region
from anying.incidents import services
from anying.incidents.models import DeskSetting


@pytest.fixture
def desks(district, users):
    """铜梁区's reports go to 区应急局, which reports on to 重庆市应急管理局 (outside the system)."""
    bureau = Organisation.objects.get(name="区应急局")
    DeskSetting.objects.create(region=district, unit=bureau, upstream_name="重庆市应急管理局")
    return {"town": Organisation.objects.get(name="旧县街道应急办"), "bureau": bureau}


@pytest.fixture
def take(users, desks):
    """Takes a report at 旧县街道's desk: a work-safety accident `hours` ago, received `received` hours ago."""
    def make(user="jiuxian", hours=3, received=None, **data):
        now = timezone.now()
        occurred = data.pop("occurred_at", now - dt.timedelta(hours=hours))
        base = {"title": "某公司粉尘爆炸事故", "kind": "work_safety", "occurred_at": occurred,
                "received_at": data.pop("received_at", occurred + dt.timedelta(minutes=10) if received is None
                                        else now - dt.timedelta(hours=received)),
                "source": "phone", "region": Region.objects.get(name="旧县街道"), "place": "工业园区3号路",
                "description": "车间发生爆炸，有人员被困", "deaths": 0}
        return services.record(users[user], {**base, **data})

    return make


from ..supplies.conftest import catalogue, receive, stores  # noqa: E402,F401 - the supplies fixtures, reused


@pytest.fixture
def team(district, town):
    """旧县街道's rescue team, its base about 3 km from the incident point used in the tests."""
    from anying.rescue.models import Team
    from anying.rescue.services import save_team

    owner = Organisation.objects.get(name="旧县街道应急办")
    return save_team(None, Team(name="旧县街道综合应急救援队", category=Team.Category.TOWN, owner=owner,
                                region=town("旧县街道"), leader="王队长", duty_phone="13900000001"),
                     base={"address": "旧县街道", "latitude": Decimal("29.8200"), "longitude": Decimal("106.0800")})


POINT = {"latitude": Decimal("29.8000"), "longitude": Decimal("106.1000")}
