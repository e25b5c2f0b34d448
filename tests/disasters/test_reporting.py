"""The reporting chain: dues from cited deadlines, village returns, town reports, the district's
review, large changes, photos, 核报 against the registers, 迟报 and the 零报告."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Notification
from anying.disasters import hooks, registers, rules, services
from anying.disasters.models import Due, Event, Report, VillageReturn, ZeroReport
from tests.conftest import photo

from .conftest import send

pytestmark = pytest.mark.django_db

BJ = dt.timezone(dt.timedelta(hours=8))


def at(y, m, d, hh, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=BJ)


def test_opening_an_event_owes_each_town_its_initial_report_two_hours_after_the_start(make_event, town, clock):
    start = clock(timezone.now())  # registered as it happens
    event = make_event(started_at=start)
    dues = Due.objects.filter(event=event)
    assert {d.town.name for d in dues} == {"旧县街道", "虎峰镇"}
    assert all(d.stage == "initial" and d.due_at == start + dt.timedelta(hours=2) for d in dues)
    assert rules.rule_for("initial", "flood").value == "120"
    assert AuditEvent.objects.filter(summary__contains="登记灾害过程").exists()
    assert Notification.objects.filter(user__username="jiuxian", title__contains="初报").exists()


@pytest.mark.parametrize("by, towns, message", [
    ("jiuxian", ("旧县街道",), None),  # a town may not open an event: no permission
    ("duty", (), "请选择受灾镇街"),
])
def test_opening_is_refused_without_permission_or_towns(make_event, by, towns, message):
    with pytest.raises((PermissionDenied, ValidationError)) as caught:
        make_event(towns=towns, by=by)
    if message:
        assert message in str(caught.value)
    assert not Event.objects.exists()


def test_a_start_in_the_future_is_refused(make_event):
    with pytest.raises(ValidationError, match="不能晚于现在"):
        make_event(started_at=timezone.now() + dt.timedelta(hours=1))


def test_a_village_officer_files_figures_for_their_own_village_only(make_event, villages, town):
    event = make_event(towns=("旧县街道",))
    _v, _u, officer = villages["玉泉村"]
    entry = services.file_village_return(officer, event, figures={"affected": "120", "evacuated": "30"}, note="进水",
                                         photos=[photo()])
    assert entry.village.name == "玉泉村" and entry.affected == 120
    assert Notification.objects.filter(user__username="jiuxian", title__contains="玉泉村").exists()
    _v, _u, other = villages["太平村"]  # 虎峰镇 is not in the event
    with pytest.raises(ValidationError, match="不在该灾害过程的受灾范围内"):
        services.file_village_return(other, event, figures={"affected": 1})
    with pytest.raises(PermissionDenied):
        services.file_village_return(villages["玉泉村"][2].__class__.objects.get(username="jiuxian"), event,
                                     figures={})


@pytest.mark.parametrize("figures, field", [
    ({"affected": "-1"}, "affected"),
    ({"affected": "1.5"}, "affected"),
    ({"crops_affected": "1.234"}, "crops_affected"),
    ({"evacuated": "5", "resettled": "6"}, "resettled"),
    ({"crops_affected": "5", "crops_damaged": "6"}, "crops_damaged"),
    ({"crops_affected": "5", "crops_damaged": "4", "crops_lost": "4.5"}, "crops_lost"),
])
def test_bad_figures_are_refused_by_field_and_nothing_is_saved(make_event, villages, figures, field):
    event = make_event(towns=("旧县街道",))
    with pytest.raises(ValidationError) as caught:
        services.file_village_return(villages["玉泉村"][2], event, figures=figures)
    assert field in caught.value.message_dict
    assert not VillageReturn.objects.exists()


def test_the_town_report_starts_from_the_latest_return_of_each_village(make_event, villages, users, town):
    event = make_event(towns=("旧县街道",))
    services.file_village_return(villages["玉泉村"][2], event, figures={"affected": 100})
    services.file_village_return(villages["玉泉村"][2], event, figures={"affected": 150})  # the later one counts
    services.file_village_return(villages["龙洞湾村"][2], event, figures={"affected": 40, "crops_affected": "2.5"})
    report = services.draft_report(users["jiuxian"], event, town("旧县街道"))
    assert report.stage == "initial" and report.affected == 190 and str(report.crops_affected) == "2.50"


def test_the_initial_report_is_on_time_at_two_hours_and_late_a_minute_after(make_event, users, town, clock):
    start = clock(at(2026, 7, 12, 3, 0))
    event = make_event(towns=("旧县街道", "虎峰镇"), started_at=start)
    clock(at(2026, 7, 12, 5, 0))
    on_time = send(users["jiuxian"], event, town("旧县街道"), {"affected": 10})
    clock(at(2026, 7, 12, 5, 0) + dt.timedelta(seconds=61))
    late = send(users["hufeng"], event, town("虎峰镇"), {"affected": 10})
    assert on_time.late_minutes == 0 and on_time.due_at == at(2026, 7, 12, 5, 0)
    assert late.late_minutes == 2  # 61 seconds count as two started minutes
    # the next 续报 is due at 09:00 the next morning (data to 24:00), each town once
    updates = Due.objects.filter(event=event, stage="update")
    assert {timezone.localtime(d.due_at) for d in updates} == {at(2026, 7, 13, 9, 0)}
    assert updates.count() == 2


def test_a_drought_is_followed_up_every_ten_days(make_event, users, town, clock):
    start = clock(at(2026, 8, 1, 10, 0))
    event = make_event(towns=("旧县街道",), kind="drought", started_at=start)
    clock(at(2026, 8, 1, 11, 0))
    send(users["jiuxian"], event, town("旧县街道"), {"affected": 10})
    due = Due.objects.get(event=event, stage="update")
    assert due.due_at == at(2026, 8, 11, 11, 0)


def test_a_large_change_or_any_fall_needs_an_explanation(make_event, users, town):
    event = make_event(towns=("旧县街道",))
    send(users["jiuxian"], event, town("旧县街道"), {"affected": 100, "dead": 1})
    jump = services.draft_report(users["jiuxian"], event, town("旧县街道"))
    assert jump.stage == "update" and jump.sequence == 1
    services.save_report(users["jiuxian"], jump.pk, figures={"affected": 151, "dead": 1})
    with pytest.raises(ValidationError, match="受灾人口由 100 增为 151"):
        services.submit(users["jiuxian"], jump.pk)
    services.save_report(users["jiuxian"], jump.pk, figures={"affected": 150, "dead": 0})
    with pytest.raises(ValidationError, match="因灾死亡人口由 1 减为 0"):
        services.submit(users["jiuxian"], jump.pk)
    services.save_report(users["jiuxian"], jump.pk, figures={"affected": 150, "dead": 1})  # +50%: not "over"
    assert services.submit(users["jiuxian"], jump.pk).status == Report.Status.SUBMITTED
    more = services.draft_report(users["jiuxian"], event, town("旧县街道"))
    services.save_report(users["jiuxian"], more.pk, figures={"affected": 400, "dead": 1},
                         change_explanation="幸福社区夜间进水")
    assert services.submit(users["jiuxian"], more.pk).label == "续报二"


def test_with_a_response_triggered_a_report_needs_three_photos(make_event, users, town):
    event = make_event(towns=("旧县街道",), response_triggered=True)
    report = services.draft_report(users["jiuxian"], event, town("旧县街道"))
    with pytest.raises(ValidationError, match="不少于3张"):
        services.submit(users["jiuxian"], report.pk, photos=[photo(), photo("b.png")])
    assert Report.objects.get(pk=report.pk).status == Report.Status.DRAFT
    done = services.submit(users["jiuxian"], report.pk, photos=[photo(), photo("b.png"), photo("c.png")])
    assert done.status == Report.Status.SUBMITTED


def test_a_sent_report_is_frozen(make_event, users, town):
    event = make_event(towns=("旧县街道",))
    report = send(users["jiuxian"], event, town("旧县街道"), {"affected": 5})
    with pytest.raises(ValidationError, match="不能修改"):
        services.save_report(users["jiuxian"], report.pk, figures={"affected": 6})


def test_only_the_district_accepts_or_returns_and_a_return_needs_a_comment(make_event, users, town):
    event = make_event(towns=("旧县街道",))
    report = send(users["jiuxian"], event, town("旧县街道"), {"affected": 5})
    with pytest.raises(PermissionDenied):
        services.review(users["jiuxian"], report.pk, accept=True)
    with pytest.raises(ValidationError, match="退回意见"):
        services.review(users["admin"], report.pk, accept=False)
    returned = services.review(users["admin"], report.pk, accept=False, comment="农作物面积请核实")
    assert returned.status == Report.Status.RETURNED
    services.save_report(users["jiuxian"], report.pk, figures={"affected": 5, "crops_affected": "3"})
    again = services.submit(users["jiuxian"], report.pk)
    assert services.review(users["duty"], again.pk, accept=True).status == Report.Status.ACCEPTED


def test_another_town_cannot_see_or_draft_a_towns_report(make_event, users, town):
    event = make_event(towns=("旧县街道", "虎峰镇"))
    report = send(users["jiuxian"], event, town("旧县街道"), {"affected": 5})
    assert not Report.objects.visible_to(users["hufeng"]).filter(pk=report.pk).exists()
    with pytest.raises(PermissionDenied):
        services.draft_report(users["hufeng"], event, town("旧县街道"))


def test_stable_needs_every_initial_report_then_the_final_is_due_in_two_working_days(make_event, users, town, clock):
    start = clock(at(2026, 9, 30, 3, 0))  # 国庆: 10-01..10-08 off; working days resume 10-09 (Fri)
    event = make_event(towns=("旧县街道", "虎峰镇"), started_at=start)
    clock(at(2026, 9, 30, 4, 0))
    send(users["jiuxian"], event, town("旧县街道"), {"affected": 5})
    with pytest.raises(ValidationError, match="虎峰镇"):
        services.declare_stable(users["duty"], event.pk)
    send(users["hufeng"], event, town("虎峰镇"), {"affected": 3})
    clock(at(2026, 9, 30, 16, 0))
    services.declare_stable(users["duty"], event.pk)
    assert not Due.objects.filter(event=event, stage="update", cancelled=False, met_at__isnull=True).exists()
    final = Due.objects.filter(event=event, stage="final").first()
    calendar_says = rules.add_workdays(at(2026, 9, 30, 16, 0), 2)
    assert final.due_at == calendar_says
    assert timezone.localtime(final.due_at).date() > dt.date(2026, 10, 8)  # the holiday is not counted


def test_the_final_report_must_agree_with_the_registers(make_event, users, town, monkeypatch):
    event = make_event(towns=("旧县街道",))
    send(users["jiuxian"], event, town("旧县街道"), {"affected": 5, "missing": 1, "houses_collapsed": 2})
    services.declare_stable(users["duty"], event.pk)
    final = services.draft_report(users["jiuxian"], event, town("旧县街道"))
    assert final.stage == "final"
    with pytest.raises(ValidationError, match="死亡失踪人员台账"):
        services.submit(users["jiuxian"], final.pk)
    registers.add_casualty(users["jiuxian"], event, {
        "town": town("旧县街道").pk, "name": "张某", "gender": "男", "status": "missing",
        "occurred_on": timezone.localdate(), "place": "河边", "cause": "山洪冲走"})
    monkeypatch.setattr(hooks, "LEDGERS", [("倒损住房台账", lambda ev, t: {"houses_collapsed": 1})])
    with pytest.raises(ValidationError, match="倒损住房台账"):
        services.submit(users["jiuxian"], final.pk)
    monkeypatch.setattr(hooks, "LEDGERS", [("倒损住房台账", lambda ev, t: {"houses_collapsed": 2})])
    assert services.submit(users["jiuxian"], final.pk).status == Report.Status.SUBMITTED
    with pytest.raises(ValidationError, match="核报尚未审核"):
        services.close_event(users["duty"], event.pk)
    services.review(users["admin"], final.pk, accept=True)
    assert services.close_event(users["duty"], event.pk).status == Event.Status.CLOSED
    with pytest.raises(ValidationError, match="已完成核报"):
        services.draft_report(users["jiuxian"], event, town("旧县街道"))


def test_the_tick_flags_an_overdue_report_once_to_the_town_and_the_district(make_event, users, town, clock):
    start = clock(at(2026, 7, 12, 3, 0))
    event = make_event(towns=("旧县街道",), started_at=start)
    assert services.flag_late(at(2026, 7, 12, 5, 0)) == 0  # at the deadline it is not late yet
    assert services.flag_late(at(2026, 7, 12, 5, 1)) == 1
    assert services.flag_late(at(2026, 7, 12, 6, 0)) == 0
    assert Notification.objects.filter(user__username="jiuxian", title__startswith="迟报").count() == 1
    assert Notification.objects.filter(user__username="admin", title__startswith="迟报").count() == 1
    clock(at(2026, 7, 12, 6, 0))
    report = send(users["jiuxian"], event, town("旧县街道"), {"affected": 1})
    assert report.late_minutes == 60


def test_zero_reports_in_the_season(users, town, clock, make_event):
    clock(at(2026, 7, 1, 8, 0))
    row = services.file_zero(users["jiuxian"], town("旧县街道"))
    assert row.late_minutes == 0 and row.nothing_happened
    with pytest.raises(ValidationError, match="已经报送"):
        services.file_zero(users["jiuxian"], town("旧县街道"))
    with pytest.raises(PermissionDenied):
        services.file_zero(users["jiuxian"], town("虎峰镇"))
    with pytest.raises(ValidationError, match="请说明"):
        services.file_zero(users["hufeng"], town("虎峰镇"), nothing_happened=False)
    make_event(towns=("巴川街道",), started_at=at(2026, 7, 1, 7, 30))  # its reports stand for the zero report
    assert services.flag_late(at(2026, 7, 1, 9, 0)) == 0  # not before the time
    missed = services.flag_late(at(2026, 7, 1, 9, 1))
    towns = set(ZeroReport.objects.filter(day=dt.date(2026, 7, 1), filed_at__isnull=True)
                .values_list("town__name", flat=True))
    assert "旧县街道" not in towns and "巴川街道" not in towns and "虎峰镇" in towns
    assert missed >= len(towns)
    clock(at(2026, 7, 1, 9, 30))
    late = services.file_zero(users["hufeng"], town("虎峰镇"))
    assert late.late_minutes == 30
    services.flag_late(at(2026, 12, 1, 9, 30))  # out of season: no 零报告 owed
    assert not ZeroReport.objects.filter(day=dt.date(2026, 12, 1)).exists()


def test_the_enterprise_and_an_unrelated_town_see_no_event(make_event, users, make_enterprise, enterprise_user):
    event = make_event(towns=("旧县街道",))
    qiye = enterprise_user(make_enterprise())
    assert not Event.objects.visible_to(qiye).exists()
    assert not Event.objects.visible_to(users["hufeng"]).filter(pk=event.pk).exists()
    assert Event.objects.visible_to(users["jiuxian"]).filter(pk=event.pk).exists()
