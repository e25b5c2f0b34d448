"""The winter-spring application lifecycle: each step allowed for its party and refused for the
others, the notice days and their boundary, objections blocking the decision, masking, scope."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.relief import services
from anying.relief.models import Application, Objection

from ..conftest import photo

S = Application.Status
pytestmark = pytest.mark.django_db


def test_filing_checks_the_id_number_and_keeps_it_out_of_the_audit(make_application, officer, relief_round, village):
    with pytest.raises(ValidationError) as caught:
        services.file_application(officer(), {"round": relief_round, "village": village(), "head": "张三",
                                              "id_number": "500224199001011235", "members": 2, "situation": "困难",
                                              "needs": ["food"], "requested": "500"})
    assert "id_number" in caught.value.message_dict
    assert not Application.objects.exists()
    a = make_application()
    assert a.status == S.FILED and a.number.startswith("旧县街道冬春〔")
    event = AuditEvent.objects.filter(summary__startswith="户报：").get()
    assert a.id_number not in str(event.after) and a.id_number[-4:] in str(event.after)


def test_the_same_household_files_once_a_round(make_application, officer, relief_round, village):
    a = make_application()
    with pytest.raises(ValidationError) as caught:
        services.file_application(officer(), {"round": relief_round, "village": village(), "head": "又一次",
                                              "id_number": a.id_number, "members": 2, "situation": "困难",
                                              "needs": ["food"], "requested": "500"})
    assert "id_number" in caught.value.message_dict


def test_a_village_files_only_for_itself(officer, relief_round, village):
    with pytest.raises(ValidationError) as caught:
        services.file_application(officer("玉泉村"), {"round": relief_round, "village": village("龙洞湾村"),
                                                    "head": "张三", "id_number": "11010519491231002X", "members": 2,
                                                    "situation": "困难", "needs": ["food"], "requested": "500"})
    assert "village" in caught.value.message_dict


def test_village_review_needs_minutes_and_the_sheet(make_application, officer, relief_round, village):
    a = make_application()
    with pytest.raises(ValidationError) as caught:
        services.record_minutes(officer(), {"round": relief_round, "village": village(), "held_on": timezone.localdate(),
                                            "attendees": 20, "text": "村民代表会议逐户评议"}, decisions={a.pk: "pass"})
    assert "sheet" in caught.value.message_dict
    with pytest.raises(ValidationError):  # the step alone, without minutes
        services.run(officer(), a.pk, "village_pass")
    # another village's committee is no party to it (and does not even see it)
    with pytest.raises(Application.DoesNotExist):
        services.run(officer("龙洞湾村"), a.pk, "village_pass")
    a.refresh_from_db()
    assert a.status == S.FILED


def test_each_step_is_its_own_units(make_application, users, officer):
    a = make_application("village_passed")
    # the village, the district and another town cannot take the town's review
    for who in (officer(), users["admin"], users["leader"]):
        with pytest.raises((PermissionDenied, Application.DoesNotExist)):
            services.run(who, a.pk, "town_pass")
    with pytest.raises(Application.DoesNotExist):
        services.run(users["hufeng"], a.pk, "town_pass")
    services.run(users["jiuxian"], a.pk, "town_pass", data={"approved": "600"})
    a.refresh_from_db()
    assert a.status == S.TOWN_PASSED and a.approved == 600 and a.town_by == users["jiuxian"]


def test_town_returns_to_the_village_with_a_reason(make_application, users):
    a = make_application("village_passed")
    with pytest.raises(ValidationError):
        services.run(users["jiuxian"], a.pk, "town_return")
    services.run(users["jiuxian"], a.pk, "town_return", comment="家庭人口与户籍不符，请重新评议")
    a.refresh_from_db()
    assert a.status == S.FILED


def test_notice_days_boundary(make_application, users, relief_round):
    days = relief_round.notice_days
    today = timezone.localdate()
    # started days-1 days ago: its last day is today — not yet over
    a = make_application("notice", notice_started=today - dt.timedelta(days=days - 1))
    assert a.notice.ends_on == today
    with pytest.raises(ValidationError) as caught:
        services.run(users["leader"], a.pk, "decide")
    assert "期满后方可县定" in str(caught.value)
    # started `days` days ago: its last day was yesterday — the decision may be taken today
    b = make_application("notice", notice_started=today - dt.timedelta(days=days))
    assert b.notice.ends_on == today - dt.timedelta(days=1)
    services.run(users["leader"], b.pk, "decide")
    b.refresh_from_db()
    assert b.status == S.DECIDED and b.decided_on == today


def test_the_town_cannot_decide_nor_the_village(make_application, users, officer):
    a = make_application("notice")
    for who in (users["jiuxian"], officer()):
        with pytest.raises(PermissionDenied):
            services.run(who, a.pk, "decide")


def test_an_open_objection_blocks_the_decision_until_answered(make_application, users):
    a = make_application("notice")
    objection = services.record_objection(users["jiuxian"], a.pk, {"content": "该户家庭条件较好", "objector": "村民"})
    with pytest.raises(ValidationError) as caught:
        services.run(users["leader"], a.pk, "decide")
    assert "异议尚未答复" in str(caught.value)
    with pytest.raises(ValidationError):
        services.run(users["leader"], a.pk, "refuse", comment="不予救助")
    services.answer_objection(users["jiuxian"], objection.pk, {"upheld": False, "answer": "经入户核实，异议不成立"})
    services.run(users["leader"], a.pk, "decide")
    a.refresh_from_db()
    assert a.status == S.DECIDED


def test_an_upheld_objection_allows_only_refusal(make_application, users):
    a = make_application("notice")
    o = services.record_objection(users["jiuxian"], a.pk, {"content": "该户已外出务工多年，不在本村居住"})
    services.answer_objection(users["jiuxian"], o.pk, {"upheld": True, "answer": "经核实属实，异议成立"})
    with pytest.raises(ValidationError):
        services.run(users["leader"], a.pk, "decide")
    services.run(users["leader"], a.pk, "refuse", comment="公示异议成立")
    a.refresh_from_db()
    assert a.status == S.REJECTED


def test_public_objection_only_while_the_notice_runs(make_application, system):
    today = timezone.localdate()
    running = make_application("notice", notice_started=today)
    services.record_objection(system, running.pk, {"content": "情况不属实，请核查"}, public=True)
    assert running.objections.get().source == Objection.Source.PUBLIC
    ended = make_application("notice", notice_started=today - dt.timedelta(days=30))
    with pytest.raises(ValidationError):
        services.record_objection(system, ended.pk, {"content": "情况不属实，请核查"}, public=True)


def test_payment_is_separated_from_the_decision_and_masked(make_application, users):
    a = make_application("decided")
    with pytest.raises(PermissionDenied):  # the leader decides but does not pay
        services.run(users["leader"], a.pk, "pay", data={"account": "6217000012345678"})
    with pytest.raises(ValidationError) as caught:
        services.run(users["admin"], a.pk, "pay", data={"account": "12ab"})
    assert "account" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.run(users["admin"], a.pk, "pay", data={"account": "6217000012345678", "amount": "99999"})
    services.run(users["admin"], a.pk, "pay", data={"account": "6217 0000 1234 5678"})
    a.refresh_from_db()
    assert a.status == S.PAID and a.paid_amount == a.amount and a.account == "6217000012345678"
    event = AuditEvent.objects.filter(object_id=str(a.pk), action="state").order_by("-pk").first()
    assert "6217000012345678" not in str(event.after)


def test_scope_another_town_and_village_see_nothing(make_application, users, officer):
    a = make_application("notice")
    assert not Application.objects.visible_to(users["hufeng"]).filter(pk=a.pk).exists()
    assert not Application.objects.visible_to(officer("龙洞湾村")).filter(pk=a.pk).exists()
    assert not Application.objects.visible_to(users["jingxin"]).filter(pk=a.pk).exists()  # departments: no relief.view
    assert Application.objects.visible_to(officer("玉泉村")).filter(pk=a.pk).exists()
    assert Application.objects.visible_to(users["admin"]).filter(pk=a.pk).exists()


def test_survey_counts_must_add_up(officer, relief_round, village):
    with pytest.raises(ValidationError) as caught:
        services.save_survey(officer(), {"round": relief_round, "village": village(), "households": 3, "persons": 5,
                                         "food_households": 4})
    assert "food_households" in caught.value.message_dict
    s = services.save_survey(officer(), {"round": relief_round, "village": village(), "households": 3, "persons": 8,
                                         "food_households": 2, "food_persons": 5})
    assert s.town == village().parent


def test_coverage_by_town(make_application, officer, relief_round, village, users):
    from anying.relief import reports

    services.save_survey(officer(), {"round": relief_round, "village": village(), "households": 2, "persons": 6})
    make_application("paid")
    make_application("filed")
    result = reports.coverage(users["admin"], relief_round)
    row = next(c for c in result.towns if c.town.name == "旧县街道")
    assert (row.persons_needing, row.persons_aided, row.households_aided, row.applications) == (6, 3, 1, 2)
    assert row.rate == 0.5 and not row.met
    assert reports.coverage(users["hufeng"], relief_round).towns == []


def test_minutes_photo_upload_is_checked(make_application, officer, relief_round, village):
    from django.core.files.uploadedfile import SimpleUploadedFile

    a = make_application()
    with pytest.raises(ValidationError):
        services.record_minutes(officer(), {"round": relief_round, "village": village(), "held_on": timezone.localdate(),
                                            "attendees": 20, "text": "村民代表会议逐户评议"},
                                sheet=SimpleUploadedFile("x.png", b"not a png"), decisions={a.pk: "pass"})
    a.refresh_from_db()
    assert a.status == S.FILED
    assert photo()  # the good one is accepted elsewhere
