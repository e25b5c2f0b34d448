"""Fixtures of the tip tests: an enterprise in 旧县街道, the demo district's accounts, and a
helper that files a public tip the way the form does."""

import pytest

from anying.core.models import Organisation
from anying.tips import services
from anying.tips.models import Tip


@pytest.fixture
def ent(make_enterprise):
    return make_enterprise("旧县喷涂厂", "旧县街道", "机械")


@pytest.fixture
def office(district):
    return Organisation.objects.get(name="旧县街道应急办")


@pytest.fixture
def file_tip(town):
    def make(address="10.0.0.1", photos=(), **data):
        base = {"category": Tip.Category.MAJOR_HAZARD, "description": "楼梯间堆放几十桶油漆和稀释剂",
                "place": "宿舍楼楼梯间", "region": town("旧县街道"), "anonymous": True}
        return services.submit(None, {**base, **data}, list(photos), address=address)

    return make


@pytest.fixture
def verified(file_tip, users, office, ent):
    """A tip assigned to 旧县街道, verified true, with its enterprise named."""
    tip, pin = file_tip(enterprise_text=ent.name)
    services.step(users["admin"], tip.pk, "assign", unit=office)
    services.step(users["jiuxian"], tip.pk, "start")
    services.set_enterprise(users["jiuxian"], tip.pk, ent)
    services.step(users["jiuxian"], tip.pk, "conclude", substantiated=True, text="现场核查属实")
    tip.refresh_from_db()
    tip.pin = pin
    return tip
