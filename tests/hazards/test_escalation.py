"""Overdue hazards climb the ladder once per step, however often tick runs (journey J4)."""

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from anying.core.models import AuditEvent, ClockRung, ClockStep, Notification, TimelineEvent
from anying.core.workflow import timeline
from anying.hazards import escalation
from anying.hazards.models import Hazard


def at(day: dt.date) -> dt.datetime:
    """A moment on `day` in Asia/Shanghai (01:00, when the nightly tick runs)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(1, 0)))


def overdue(factory, days: int, level="general", status="rectifying"):
    hazard = factory(level=level, status=status)
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() - dt.timedelta(days=days))
    return hazard


def steps(hazard):
    return list(ClockStep.objects.filter(clock="hazard_overdue", object_id=hazard.pk).order_by("days", "id")
                .values_list("code", flat=True))


def test_the_ladder_is_configuration_with_sources(db):
    ladder = list(ClockRung.objects.filter(clock="hazard_overdue", region=None).order_by("days")
                  .values_list("code", "days", "condition", "action"))
    assert ladder == [("reminder", 1, "", "notify"), ("letter", 7, "", "letter"), ("circular", 15, "", "circular"),
                      ("interview", 30, "", "notify"), ("listed", 60, "major", "supervise")]
    assert all(ClockRung.objects.values_list("source", flat=True))


def test_each_step_when_its_day_comes_and_once_only(factory):
    hazard = overdue(factory, 0)
    today = timezone.localdate()
    assert escalation.run(at(today)) == 0
    for day, expected in [(1, ["reminder"]), (6, ["reminder"]), (7, ["reminder", "letter"]),
                          (15, ["reminder", "letter", "circular"]), (30, ["reminder", "letter", "circular", "interview"])]:
        escalation.run(at(today + dt.timedelta(days=day)))
        escalation.run(at(today + dt.timedelta(days=day)))  # a second tick the same night changes nothing
        assert steps(hazard) == expected, day
    assert timeline(hazard).filter(action__startswith="escalate:").count() == 4
    assert AuditEvent.objects.filter(object_id=str(hazard.pk), summary__startswith="隐患整改逾期：").count() == 4


def test_listed_supervision_only_for_major_hazards(factory):
    general, major = overdue(factory, 61), overdue(factory, 61, level="major")
    escalation.run()
    assert "listed" not in steps(general) and "listed" in steps(major)


def test_a_late_first_tick_catches_up_all_due_steps(factory):
    hazard = overdue(factory, 20)
    assert escalation.run() == 3
    assert steps(hazard) == ["reminder", "letter", "circular"]


def test_closed_submitted_and_not_yet_due_hazards_do_not_escalate(factory):
    overdue(factory, 10, status="closed")
    overdue(factory, 10, status="submitted")
    fresh = factory()  # every hazard has a deadline now: its level's default, not yet passed
    assert fresh.deadline > timezone.localdate()
    assert escalation.run() == 0


def test_overdue_is_counted_in_shanghai_dates(factory):
    hazard = overdue(factory, 0)
    # 2026-…T16:30Z is already the next day in Shanghai (UTC+8): the hazard is one day overdue.
    today = timezone.localdate()
    utc_evening = dt.datetime.combine(today, dt.time(16, 30), tzinfo=dt.UTC)
    escalation.run(utc_evening)
    assert steps(hazard) == ["reminder"]


def test_tick_command_runs_it(factory, capsys):
    overdue(factory, 8)
    call_command("tick")
    # 催办提醒 and 函告, and the reminder that the review falls due 10 days after the deadline (hazard_review_lapsed)
    assert "clocks: 3" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent ticks need PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_ticks_take_each_step_once(reference_data, factory):
    hazards = [overdue(factory, 16) for _ in range(30)]
    barrier = threading.Barrier(2)

    def tick():
        from django.db import connection as thread_connection

        barrier.wait()
        escalation.run()
        thread_connection.close()

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ClockStep.objects.filter(clock="hazard_overdue").count() == 30 * 3
    assert all(steps(h) == ["reminder", "letter", "circular"] for h in hazards)
    assert TimelineEvent.objects.filter(action__startswith="escalate:").count() == 30 * 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the advisory lock is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_tick_leaves_a_clock_another_tick_is_running(reference_data, factory):
    """The race behind a lost 函告: a second tick used to take the 通报 of records whose 函告 the
    first was about to take, then skip the 函告 as locked. Now it leaves the clock alone."""
    import psycopg

    from anying.core import clock

    hazards = [overdue(factory, 16) for _ in range(3)]
    key = clock.zlib.crc32(b"anying.clock:hazard_overdue")
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [key])  # another tick is running this clock
        assert escalation.run() == 0 and not ClockStep.objects.filter(clock="hazard_overdue").exists()
        other.execute("SELECT pg_advisory_unlock(%s)", [key])
    assert escalation.run() == 3 * 3
    assert all(steps(h) == ["reminder", "letter", "circular"] for h in hazards)


def test_one_message_per_hazard_per_tick_to_the_enterprise_and_its_town(factory, enterprise_user, users):
    owner = enterprise_user(factory.enterprise)
    hazard = overdue(factory, 7)
    escalation.run()
    note = Notification.objects.get(user=owner)  # two rungs climbed in one night: one message naming both
    assert note.title.startswith("隐患整改逾期：旧县机械厂 一车间") and note.url == f"/hazards/{hazard.pk}/"
    assert "逾期 7 天，催办提醒" in note.body and "逾期 7 天，函告" in note.body
    assert Notification.objects.filter(user=users["jiuxian"]).count() == 1  # 旧县街道应急办
    assert not Notification.objects.filter(user=users["hufeng"]).exists()
    escalation.run()
    assert Notification.objects.filter(user=owner).count() == 1  # nothing new, nothing said


def test_tick_cost_does_not_grow_per_hazard(factory, django_assert_max_num_queries):
    for _ in range(40):
        overdue(factory, 16)
    # a constant per batch and step, not per hazard (函告 and 通报 each number their documents)
    with django_assert_max_num_queries(80):
        assert escalation.run() == 40 * 3


# --- 挂牌督办 where no 安委办 can issue it ------------------------------------------------------------

@pytest.fixture
def no_committee(users):
    """The district's 安委办 is wound up; its admin now sits in the 区应急局 (still keeping the units)."""
    from anying.core.models import Organisation

    committee = Organisation.objects.get(name="区安委办")
    users["admin"].unit = Organisation.objects.get(name="区应急局")
    users["admin"].save(update_fields=["unit"])
    Organisation.objects.filter(pk=committee.pk).update(is_active=False)
    return committee


def test_no_supervising_unit_means_no_listed_step_and_the_admin_is_told(factory, users, no_committee,
                                                                       enterprise_user):
    from anying.core.models import Organisation
    from anying.hazards.models import Supervision

    owner = enterprise_user(factory.enterprise)
    major = overdue(factory, 61, level="major")
    escalation.run()
    assert not Supervision.objects.filter(hazard=major).exists()
    assert steps(major) == ["reminder", "letter", "circular", "interview"]  # 挂牌督办 not claimed
    assert not timeline(major).filter(action="escalate:listed").exists()
    assert "挂牌督办" not in Notification.objects.get(user=owner).body
    note = Notification.objects.get(user=users["admin"])
    assert note.title == "未能挂牌督办：旧县街道未配置督办单位（安委办）"
    assert "已到“挂牌督办”" in note.body and "旧县机械厂 一车间" in note.body and note.url == "/units/"
    assert not Notification.objects.filter(user=users["jiuxian"], title__startswith="未能挂牌督办").exists()
    escalation.run()  # the next tick the same day: still not taken, and not told twice
    assert "listed" not in steps(major) and Notification.objects.filter(user=users["admin"]).count() == 1
    Organisation.objects.filter(pk=no_committee.pk).update(is_active=True)  # the 安委办 is set up again
    escalation.run()
    assert Supervision.objects.get(hazard=major).unit_id == no_committee.pk and "listed" in steps(major)


def test_a_full_batch_without_an_issuer_ends_the_tick(factory, users, no_committee, monkeypatch):
    from anying.core import clock

    monkeypatch.setattr(clock, "BATCH", 2)  # more unsupervisable hazards than a batch holds
    majors = [overdue(factory, 61, level="major") for _ in range(5)]
    assert escalation.run() == 5 * 4
    assert all("listed" not in steps(h) for h in majors)
    assert Notification.objects.filter(user=users["admin"]).count() == 1  # one a day per region, not per hazard


def test_without_an_issuer_the_queries_stay_constant_per_batch(factory, users, no_committee):
    from django.test.utils import CaptureQueriesContext

    from anying.core import clock

    def count(n):
        Notification.objects.all().delete()
        for _ in range(n):
            overdue(factory, 61, level="major")
        ClockStep.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            clock.run_clock(escalation.HAZARD_OVERDUE, timezone.localdate(), clock.Notices())
        Hazard.objects.all().delete()
        return len(ctx.captured_queries)

    count(1)  # the year's first 函告 numbers create their counters
    assert count(5) == count(1)


# --- the ladder's numbered documents: 函告 and 通报 ------------------------------------------------

def test_the_circular_rung_issues_a_numbered_circular(factory, users, login):
    import io
    from urllib.parse import unquote

    from docx import Document

    hazard = overdue(factory, 15)
    escalation.run()
    letter, circular = (ClockStep.objects.get(object_id=hazard.pk, code=c) for c in ("letter", "circular"))
    town = users["jiuxian"].unit  # the hazard's town issues both, under its own name (no 代字 set)
    assert (letter.document_kind, circular.document_kind) == ("overdue_letter", "overdue_circular")
    assert letter.document_no.startswith(f"{town.name}函〔") and circular.document_no.startswith(f"{town.name}通报〔")
    response = login(users["jiuxian"]).get(f"/hazards/{hazard.pk}/letters/{circular.pk}.docx")
    assert "通报_" in unquote(response["Content-Disposition"])
    text = "\n".join(p.text for p in Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs)
    for expected in ("关于逾期未整改事故隐患的通报", circular.document_no, "各有关单位：", "已逾期 15 天", "现予以通报"):
        assert expected in text
