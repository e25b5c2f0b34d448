"""Fixtures of the workspace tests (待办, home, 一企一档, search): two enterprises in two towns
of the demo district, an account for the first, and a helper that registers hazards."""

import datetime as dt

import pytest
from django.utils import timezone

from anying.hazards import services as hazard_services
from anying.hazards.models import Hazard

TODAY = timezone.localdate()


@pytest.fixture
def ents(make_enterprise, enterprise_user):
    """jiuxian: 旧县街道 (the town inspector jiuxian's); hufeng: 虎峰镇 (hufeng's)."""
    jiuxian = make_enterprise("旧县精工机械厂", "旧县街道", "机械")
    hufeng = make_enterprise("虎峰五金制品厂", "虎峰镇", "机械")
    jiuxian.owner = enterprise_user(jiuxian)
    return {"jiuxian": jiuxian, "hufeng": hufeng}


@pytest.fixture
def hazard():
    def make(ent, status=None, *, level="general", channel="inspection", **fields):
        h = hazard_services.register(None, {"enterprise": ent, "place": "一车间", "description": "安全出口堵塞",
                                            "channel": channel, "found_by": "检查组", "found_on": TODAY,
                                            "level": level})
        if status or fields:
            Hazard.objects.filter(pk=h.pk).update(**({"status": status} if status else {}), **fields)
            h.refresh_from_db()
        return h

    return make


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)
