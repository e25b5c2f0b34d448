"""Fixtures of the permit tests: a 危化 enterprise in 旧县街道 with two accounts (who fills in,
who approves), another enterprise, a permit maker and a settable clock."""

import datetime as dt

import pytest
from django.utils import timezone

from anying.permits import rules, services

T0 = timezone.make_aware(dt.datetime(2026, 6, 1, 8, 0))


@pytest.fixture
def chem(make_enterprise):
    return make_enterprise("渝西化工有限公司", industry_name="危险化学品")


@pytest.fixture
def applicant(chem, enterprise_user):
    return enterprise_user(chem, "anquanyuan")


@pytest.fixture
def approver(chem, enterprise_user):
    return enterprise_user(chem, "zhuguan")


@pytest.fixture
def third(chem, enterprise_user):
    return enterprise_user(chem, "fuzeren2")


@pytest.fixture
def clock(monkeypatch):
    """services._now set to a moment (`clock.at`); starts at T0."""
    class Clock:
        at = T0

        def set(self, value):
            self.at = value

    c = Clock()
    monkeypatch.setattr(services, "_now", lambda: c.at)
    return c


@pytest.fixture
def permit_data():
    def make(kind="hot_work", level="1", **extra):
        data = {"kind": kind, "level": level, "place": "罐区T-102东侧管廊", "content": "更换法兰，电焊",
                "hazards": "可燃气体泄漏遇明火爆炸", "details": {"fire_method": "电焊", "height_m": "8", "load_t": "5",
                                                         "medium": "液氯", "plate_spec": "DN50", "voltage": "380V",
                                                         "power_kw": "5", "area_m2": "10", "road_section": "东门"},
                "applicant_name": "刘明", "leader_name": "周志刚", "guardian_name": "陈国平", "guardian_cert": "JH-1",
                "valid_from": T0, "valid_until": T0 + dt.timedelta(hours=8),
                "measures": [m.code for m in rules.measures_of(kind)], "measures_confirmed": True,
                "workers": [{"name": "张建华", "company": "渝西化工有限公司"},
                            {"name": "王永福", "company": "恒安安装公司", "certificate": "T5102", "contractor": True}]}
        data.update(extra)
        return data
    return make


@pytest.fixture
def make_permit(applicant, permit_data):
    def make(actor=None, **extra):
        return services.save_permit(actor or applicant, permit_data(**extra))
    return make


def gas(actor, permit, at, **readings):
    return services.record_analysis(actor, permit.pk, {"taken_at": at, "point": "动火点下风向1m", "analyst": "赵晓燕",
                                                       "readings": readings or {"lel": "0", "o2": "20.8"}})
