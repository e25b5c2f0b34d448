"""Findings of the independent review of the shared kit (workflow engine, clocks,
notifications), each kept as a test: every one failed on the code as reviewed and passes on the
mends — the inbox link is never the request's text, the tick runs a constant number of queries
per batch and writes a rung's message with it, robot addresses are checked when sending and the
robot key stays out of the trail, a hazard no longer rectified is not given more time, and tips,
rewards and penalties refuse a stale page."""

import datetime as dt
import http.server
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from anying.core import clock, notifications
from anying.core.models import ClockStep, Delivery, Notification, NotificationPreference
from anying.hazards import escalation
from anying.hazards.models import Hazard
from tests.hazards.conftest import factory  # noqa: F401 - fixture
from tests.tips.conftest import ent, file_tip, office  # noqa: F401 - fixtures

TODAY = timezone.localdate()


# --- inbox: the ?record= parameter is echoed into a link ---------------------------------------

def test_inbox_record_parameter_is_not_reflected_as_a_javascript_link(users, login):
    client = login(users["jiuxian"])
    body = client.get(reverse("inbox"), {"record": "javascript:alert(document.cookie)"}).content.decode()
    assert 'href="javascript:' not in body


# --- clock tick: queries per batch must not grow with the records ------------------------------

def _queries(run) -> int:
    with CaptureQueriesContext(connection) as ctx:
        run()
    return len(ctx.captured_queries)


def _clock_queries(the_clock, make, n) -> int:
    for _ in range(n):
        make()
    ClockStep.objects.all().delete()
    return _queries(lambda: clock.run_clock(the_clock, TODAY, clock.Notices()))


def test_review_clock_queries_are_constant_per_batch(factory, users):  # noqa: F811
    def make():
        h = factory(status="submitted")
        Hazard.objects.filter(pk=h.pk).update(review_due=TODAY - dt.timedelta(days=1))

    one = _clock_queries(escalation.REVIEW, make, 1)
    Hazard.objects.all().delete()
    five = _clock_queries(escalation.REVIEW, make, 5)
    assert five == one  # _reviewers() resolves supervisors hazard by hazard


def test_listed_rung_queries_are_constant_per_batch(factory, users):  # noqa: F811
    def make():
        h = factory(level="major", status="rectifying")
        Hazard.objects.filter(pk=h.pk).update(deadline=TODAY - dt.timedelta(days=61))

    from anying.hazards.models import Supervision

    def fresh(n):
        Supervision.objects.all().delete()
        Hazard.objects.all().delete()
        return _clock_queries(escalation.HAZARD_OVERDUE, make, n)

    fresh(1)  # the first letter and 督办 of the year create their counters (a few queries, once)
    one, five = fresh(1), fresh(5)
    assert five == one  # _supervise(): exists() + numbering + create per hazard


# --- clock tick: a rung taken is committed before its message is written -----------------------

def test_a_failure_after_the_batches_does_not_lose_the_rungs_messages(factory, users, monkeypatch):  # noqa: F811
    hazard = factory(status="submitted")
    Hazard.objects.filter(pk=hazard.pk).update(review_due=TODAY - dt.timedelta(days=1))

    def boom(messages):
        raise RuntimeError("database went away")

    monkeypatch.setattr(notifications, "notify_many", boom)
    with pytest.raises(RuntimeError):
        clock.run()
    monkeypatch.undo()
    clock.run()  # the next night's tick
    assert Notification.objects.filter(user=users["jiuxian"], title__startswith="隐患复查期限").exists()


# --- webhook: the allow-list is checked only on the account form -------------------------------

class _Hook(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_POST(self):  # noqa: N802
        type(self).hits += 1
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_stored_robot_address_off_the_allow_list_is_never_posted_to(users, settings):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.ANYING_NOTIFY_CHANNELS = ["webhook"]
        _Hook.hits = 0
        # saved before the allow-list was narrowed, or written by an import / the admin site
        NotificationPreference.objects.create(user=users["jiuxian"], webhook=True,
                                              webhook_url=f"http://127.0.0.1:{server.server_port}/internal")
        notifications.notify([users["jiuxian"]], "内部地址")
        notifications.deliver_due(timezone.now())
        assert _Hook.hits == 0
        assert Delivery.objects.get().status != Delivery.Status.SENT
    finally:
        server.shutdown()


def test_a_robot_address_on_another_port_is_refused(users, login):
    client = login(users["jiuxian"])
    response = client.post(reverse("account"), {"save_notifications": "1", "webhook": "on",
                                                "webhook_url": "https://qyapi.weixin.qq.com:6379/x"})
    assert response.status_code == 200 and "只能填写企业微信或钉钉群机器人" in response.content.decode()


# --- extension requests: the answer still moves the deadline of a hazard no longer rectifying ----

def test_an_extension_cannot_be_granted_once_the_hazard_is_closed(factory, users, enterprise_user):  # noqa: F811
    from django.core.exceptions import ValidationError

    from anying.hazards import deadlines

    hazard = factory(status="rectifying")
    Hazard.objects.filter(pk=hazard.pk).update(deadline=TODAY + dt.timedelta(days=40))
    owner = enterprise_user(factory.enterprise)
    extension = deadlines.request_extension(owner, hazard.pk, TODAY + dt.timedelta(days=90), "设备到货延迟")
    Hazard.objects.filter(pk=hazard.pk).update(status=Hazard.Status.CLOSED, closed_on=TODAY)  # reviewed and closed
    with pytest.raises(ValidationError):
        deadlines.answer_extension(users["jiuxian"], extension.pk, True, "同意")
    assert Hazard.objects.get(pk=hazard.pk).deadline == TODAY + dt.timedelta(days=40)


def test_lookback_clock_queries_are_constant_per_batch(make_enterprise, users):
    from anying.oversight import accidents
    from anying.oversight.models import Accident
    from anying.standards.models import AccidentType

    plant = make_enterprise("旧县机械厂", "旧县街道", "机械")
    kind = AccidentType.objects.get(code="WSA10004")

    def make():
        a = accidents.record(users["admin"], {"occurred_at": timezone.now() - dt.timedelta(days=400), "place": "车间",
                                              "enterprise": plant, "accident_type": kind, "summary": "冲床伤人"})
        Accident.objects.filter(pk=a.pk).update(status=Accident.Status.CLOSED, closed_on=TODAY - dt.timedelta(days=370),
                                                lookback_due=TODAY - dt.timedelta(days=5))

    one = _clock_queries(accidents.LOOKBACK, make, 1)
    Accident.objects.all().delete()
    five = _clock_queries(accidents.LOOKBACK, make, 5)
    assert five == one  # str(accident) in the audit row loads enterprise and accident type per record


def test_the_robot_key_is_not_written_to_the_audit_trail(users, login):
    from anying.core.models import AuditEvent

    client = login(users["jiuxian"])
    client.post(reverse("account"), {"save_notifications": "1", "webhook": "on",
                                     "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET-KEY"})
    event = AuditEvent.objects.filter(summary="修改消息设置").latest("id")
    assert "SECRET-KEY" not in str(event.after)  # district admins read (and export) this trail


# --- stale versions: only hazards send the version; a tip is reassigned over a handler's start ---

def test_a_desk_reassigning_from_a_stale_page_is_refused(file_tip, office, users, client):  # noqa: F811
    from anying.core.models import Organisation
    from anying.tips import services
    from anying.tips.models import Tip

    tip, _ = file_tip()
    services.step(users["admin"], tip.pk, "assign", unit=office)
    seen = Tip.objects.get(pk=tip.pk).version  # the duty officer's page shows 已交办 旧县街道应急办
    services.step(users["jiuxian"], tip.pk, "start")  # meanwhile the town starts verifying
    client.force_login(users["duty"])
    other = Organisation.objects.get(name="区应急局")
    client.post(f"/tips/{tip.pk}/step/assign/", {"unit": other.pk, "text": "改派", "version": seen})
    assert Tip.objects.get(pk=tip.pk).unit_id == office.pk  # silently taken from the town mid-verification
