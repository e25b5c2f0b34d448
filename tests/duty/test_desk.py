"""The shift log, the signed handover carrying open items (A1.3), spot checks and their monthly
score (A1.4), and the pages."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from anying.core.errors import PermissionDenied
from anying.core.models import Organisation
from anying.duty import services
from anying.duty.models import Handover, LogEntry, Shift, SpotCheck


@pytest.fixture
def desk(users, posts):
    """旧县街道's shift running now (jiuxian on it) and the next one (hufeng cannot be: another unit)."""
    unit = Organisation.objects.get(name="旧县街道应急办")
    now = timezone.now()
    current = Shift.objects.create(unit=unit, date=timezone.localdate(), starts_at=now - dt.timedelta(hours=2),
                                   ends_at=now + dt.timedelta(hours=22), duty_phone="023-45670000")
    following = Shift.objects.create(unit=unit, date=timezone.localdate() + dt.timedelta(days=1),
                                     starts_at=current.ends_at, ends_at=current.ends_at + dt.timedelta(hours=24))
    from anying.duty.models import Assignment

    Assignment.objects.create(shift=current, post=posts["officer"], person=users["jiuxian"], name="刘旧县", phone="1")
    return {"unit": unit, "current": current, "next": following}


def entry(kind="call", content="群众来电反映燃气味", **kw):
    return LogEntry(kind=kind, content=content, at=kw.pop("at", timezone.now()), **kw)


def test_the_log_is_written_by_the_shift_and_open_items_are_handed_over(users, desk):
    services.add_entry(users["jiuxian"], desk["current"].pk, entry())
    todo = services.add_entry(users["jiuxian"], desk["current"].pk, entry("todo", "17 时前报送寒潮防范情况"))
    assert todo.open  # a 待办事项 is open until closed
    with pytest.raises(PermissionDenied):
        services.add_entry(users["hufeng"], desk["current"].pk, entry())
    with pytest.raises(ValidationError, match="还未开始"):
        services.add_entry(users["jiuxian"], desk["next"].pk, entry())
    with pytest.raises(ValidationError):
        services.add_entry(users["jiuxian"], desk["current"].pk, entry(at=timezone.now() + dt.timedelta(hours=3)))
    with pytest.raises(ValidationError, match="本班情况"):
        services.hand_over(users["jiuxian"], desk["current"].pk, " ")
    h = services.hand_over(users["jiuxian"], desk["current"].pk, "接报 1 起，无突发事件")
    assert h.next_shift == desk["next"] and [i["kind"] for i in h.carried] == ["值班事项"]
    assert "17 时前报送" in h.carried[0]["text"]
    with pytest.raises(ValidationError, match="已交班"):
        services.hand_over(users["jiuxian"], desk["current"].pk, "再交一次")
    with pytest.raises(PermissionDenied, match="交班人不能自己接班"):
        services.receive(users["jiuxian"], desk["current"].pk)
    with pytest.raises(PermissionDenied):
        services.receive(users["hufeng"], desk["current"].pk)
    received = services.receive(next_officer(desk), desk["current"].pk, "已接")
    assert received.received_at is not None
    with pytest.raises(ValidationError, match="已交接完毕"):
        services.add_entry(users["jiuxian"], desk["current"].pk, entry())
    services.close_entry(users["jiuxian"], todo.pk, "已报送")
    todo.refresh_from_db()
    assert not todo.open and "【办结】已报送" in todo.content


def next_officer(desk):
    """The next shift's officer: a second account of the town."""
    from anying.core.models import User
    from anying.core.roles import Role
    from anying.duty.models import Assignment, DutyPost

    other = User.objects.create_user("jiuxian2", password="x", unit=desk["unit"], role=Role.TOWN_INSPECTOR,
                                     display_name="王接班")
    Assignment.objects.create(shift=desk["next"], post=DutyPost.objects.get(code="officer"), person=other,
                              name="王接班", phone="2")
    return other


def test_spot_checks_score_and_sum_up_by_month(users, desk):
    base = dict(unit=desk["unit"], phone="023-45670000", called_at=timezone.now() - dt.timedelta(hours=1))
    fast = services.record_check(users["admin"], SpotCheck(answered=True, seconds=10, answered_by="刘旧县", **base))
    slow = services.record_check(users["admin"], SpotCheck(answered=True, seconds=40, answered_by="某人",
                                                           on_roster=False, **base))
    missed = services.record_check(users["admin"], SpotCheck(answered=False, seconds=5, **base))
    assert (fast.score, slow.score, missed.score) == (100, 50, 0) and missed.seconds is None
    with pytest.raises(PermissionDenied):  # a town does not check itself, nor a peer
        services.record_check(users["jiuxian"], SpotCheck(answered=True, seconds=1, **base))
    with pytest.raises(ValidationError, match="接听用时"):
        services.record_check(users["admin"], SpotCheck(answered=True, **base))
    [row] = services.monthly_scores(SpotCheck.objects.all())
    assert (row["checks"], row["answered"], row["rate"], row["seconds"], row["score"]) == (3, 2, 67, 25, 50.0)


def test_the_pages(users, login, desk):
    town = login(users["jiuxian"])
    page = town.get(reverse("duty_today")).content.decode()
    assert "旧县街道应急办" in page and "本班值班日志" in page
    shift_url = reverse("duty_shift", args=[desk["current"].pk])
    town.post(reverse("duty_log_add", args=[desk["current"].pk]), {
        "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "kind": "call", "source": "群众", "content": "来电",
        "open": ""})
    assert LogEntry.objects.count() == 1 and "来电" in town.get(shift_url).content.decode()
    roster = town.get(reverse("duty_roster")).content.decode()
    assert "值班表" in roster and "缺岗" in roster  # the leader post is empty
    assert town.get(reverse("duty_roster") + "?format=xlsx").status_code == 200
    word = town.get(reverse("duty_roster_print"))
    assert word.status_code == 200 and word["Content-Type"].startswith("application/vnd.openxmlformats")
    assert login(users["hufeng"]).get(shift_url).status_code == 404
    admin = login(users["admin"])
    assert admin.get(reverse("duty_roster") + f"?unit={desk['unit'].pk}").status_code == 200
    assert login(users["hufeng"]).get(reverse("duty_roster") + f"?unit={desk['unit'].pk}").status_code == 404
    saved = admin.post(reverse("duty_checks"), {"unit": desk["unit"].pk, "called_at": timezone.localtime().strftime(
        "%Y-%m-%dT%H:%M"), "phone": "023-45670000", "answered": "on", "seconds": "12", "answered_by": "刘旧县",
        "on_roster": "on", "knows_procedure": "on"})
    assert saved.status_code == 302 and SpotCheck.objects.get().score == 100
    assert "100" in admin.get(reverse("duty_checks")).content.decode()
    assert admin.get(reverse("duty_setup")).status_code == 200
    assert admin.get(reverse("duty_period_new")).status_code == 200
    assert town.get(reverse("duty_period_new")).status_code == 404  # configure is the district's
    assert Handover.objects.count() == 0


def test_the_api(users, desk, client):
    from anying.core.services import create_token

    _, secret = create_token(None, users["jiuxian"], "t")
    api = client.__class__(HTTP_AUTHORIZATION=f"Bearer {secret}")
    desks = api.get("/api/v1/duty/on-duty").json()
    mine = next(d for d in desks if d["unit_id"] == desk["unit"].pk)
    assert mine["shift_id"] == desk["current"].pk and mine["people"][0]["name"] == "刘旧县"
    day = timezone.localdate()
    shifts = api.get(f"/api/v1/duty/shifts?unit={desk['unit'].pk}&first={day}&last={day + dt.timedelta(days=1)}")
    assert [s["id"] for s in shifts.json()] == [desk["current"].pk, desk["next"].pk]
    assert shifts.json()[0]["gaps"][0]["post"] == "带班领导"
    too_long = api.get(f"/api/v1/duty/shifts?unit={desk['unit'].pk}&first={day}&last={day + dt.timedelta(days=90)}")
    assert too_long.status_code == 422
    posted = api.post(f"/api/v1/duty/shifts/{desk['current'].pk}/log", {"kind": "call", "content": "API 接报"},
                      content_type="application/json")
    assert posted.status_code == 201 and LogEntry.objects.get().content == "API 接报"
    assert api.get(f"/api/v1/duty/shifts/{desk['current'].pk}").json()["log"][0]["content"] == "API 接报"
    _, other = create_token(None, users["hufeng"], "t")
    stranger = client.__class__(HTTP_AUTHORIZATION=f"Bearer {other}")
    assert stranger.get(f"/api/v1/duty/shifts/{desk['current'].pk}").status_code == 404
    assert stranger.post(f"/api/v1/duty/shifts/{desk['current'].pk}/log", {"kind": "call", "content": "x"},
                         content_type="application/json").status_code == 404


def test_log_times_stay_inside_the_shift_and_the_word_roster_is_audited(users, login, desk):
    from anying.core.models import AuditEvent

    past = Shift.objects.create(unit=desk["unit"], date=timezone.localdate() - dt.timedelta(days=3),
                                starts_at=timezone.now() - dt.timedelta(days=3),
                                ends_at=timezone.now() - dt.timedelta(days=2))
    from anying.duty.models import Assignment, DutyPost

    Assignment.objects.create(shift=past, post=DutyPost.objects.get(code="officer"), person=users["jiuxian"],
                              name="刘旧县", phone="1")
    with pytest.raises(ValidationError):  # stamped a day after the shift ended
        services.add_entry(users["jiuxian"], past.pk, entry(at=timezone.now()))
    assert login(users["jiuxian"]).get(reverse("duty_roster_print")).status_code == 200
    assert AuditEvent.objects.filter(action="export", summary__contains="值班表（Word）").exists()
