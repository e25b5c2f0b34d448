"""Fixtures of the relief tests: a round of 铜梁区, the demo's village committees and their
officers, and a factory of applications moved to any step through the services."""

import datetime as dt
import itertools
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from anying.core.permissions import SYSTEM
from anying.relief import services
from anying.relief.demo import id_number

from ..conftest import photo

_rng = random.Random(5)
_seq = itertools.count(1)


@pytest.fixture
def villages(district):
    from anying.disasters.villages import committees

    return committees()


@pytest.fixture
def officer(villages):
    return lambda name="玉泉村": villages[name][2]


@pytest.fixture
def village(villages):
    return lambda name="玉泉村": villages[name][0]


@pytest.fixture
def relief_round(district, users):
    today = timezone.localdate()
    return services.save_round(users["admin"], {"name": "2026—2027年度冬春救助", "starts_on": today - dt.timedelta(days=5),
                                                 "ends_on": today + dt.timedelta(days=150)})


@pytest.fixture
def make_application(relief_round, villages, users):
    """An application of a village taken to `upto` (filed … paid) by the logins that take each step."""
    order = ["filed", "village_passed", "town_passed", "notice", "decided", "paid"]

    def make(upto="filed", village_name="玉泉村", head=None, notice_started=None, requested="800"):
        village, _unit, officer = villages[village_name]
        town_user = users["jiuxian"] if village.parent.name == "旧县街道" else users["hufeng"]
        a = services.file_application(officer, {
            "round": relief_round, "village": village, "head": head or f"户主{next(_seq)}", "id_number": id_number(_rng),
            "phone": "13812345678", "members": 3, "situation": "房屋损坏，口粮不足", "needs": ["food", "clothing"],
            "requested": Decimal(requested)})
        step = order.index(upto)
        if step >= 1:
            services.record_minutes(officer, {"round": relief_round, "village": village,
                                              "held_on": timezone.localdate(), "attendees": 20,
                                              "text": "村民代表会议逐户评议，举手表决通过"},
                                    sheet=photo(), decisions={a.pk: "pass"})
        if step >= 2:
            services.run(town_user, a.pk, "town_pass")
        if step >= 3:
            started = notice_started or timezone.localdate() - dt.timedelta(days=relief_round.notice_days)
            services.publish_notice(town_user, relief_round, village.parent, [a.pk], contact="023-1",
                                    starts_on=started)
        if step >= 4:
            services.run(users["leader"], a.pk, "decide")
        if step >= 5:
            services.run(users["admin"], a.pk, "pay", data={"account": "6217000012345678", "paid_on": timezone.localdate()})
        a.refresh_from_db()
        return a
    return make


@pytest.fixture
def system():
    return SYSTEM
