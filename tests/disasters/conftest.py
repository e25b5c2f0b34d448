import datetime as dt

import pytest
from django.utils import timezone

from anying.disasters import services
from anying.disasters.villages import committees


@pytest.fixture
def villages(users):
    """{village name: (region, committee, officer)} of the demo's six villages."""
    return committees()


@pytest.fixture
def clock(monkeypatch):
    """Sets "now" for the services (timezone.now), in Beijing time."""
    state = {}

    def set_to(value: dt.datetime):
        aware = value if timezone.is_aware(value) else timezone.make_aware(value)
        state["now"] = aware
        monkeypatch.setattr("django.utils.timezone.now", lambda: state["now"])
        return aware

    return set_to


@pytest.fixture
def make_event(users, town):
    def make(towns=("旧县街道", "虎峰镇"), *, kind="flood", started_at=None, by="duty", **extra):
        return services.open_event(users[by], name="测试暴雨洪涝灾害", kind=kind,
                                   started_at=started_at or timezone.now() - dt.timedelta(minutes=30),
                                   towns=[town(t) for t in towns], **extra)
    return make


def send(user, event, town, figures=None, **texts):
    """Draft, fill and submit a town's next report."""
    report = services.draft_report(user, event, town)
    services.save_report(user, report.pk, figures=figures if figures is not None else report.figures(), **texts)
    return services.submit(user, report.pk)
