"""The demo loader: the households of the 7·12 rainstorm at every step, once; nothing without the event."""

import random
from decimal import Decimal

import pytest

from anying.houses import demo
from anying.houses.models import Household

pytestmark = pytest.mark.django_db


def test_nothing_without_the_event(district):
    demo.load(random.Random(2022))
    assert not Household.objects.exists()


def test_the_rainstorm_households(event, villages, risk_point):
    # 太平村's relocation is kept beside 虎峰镇's geological point with the town's exception
    risk_point("geological", lat=Decimal("29.900000"), lon=Decimal("106.100000"), town_name="虎峰镇",
               name="石梁村2组崩塌")
    demo.load(random.Random(2022))
    demo.load(random.Random(2022))  # idempotent
    rows = Household.objects.all()
    assert rows.count() == len(demo.ROWS)
    assert set(rows.values_list("status", flat=True)) == {s for s, _ in Household.Status.choices}
    paid = rows.get(status="paid")
    assert paid.paid_amount == paid.subsidy > 0 and paid.account
    kept = rows.get(head="宋海涛")
    assert kept.site_override and kept.site_nearby[0]["name"] == "石梁村2组崩塌"

