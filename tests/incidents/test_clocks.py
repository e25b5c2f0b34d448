"""The reporting chain (首报/续报/终报/补报) and its clocks: every deadline a cited data row
(data/report_rules.csv), tested at its boundary."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anying.core.models import Notification, Region, TimelineEvent
from anying.incidents import rules as R
from anying.incidents import services
from anying.incidents.models import Due, Flag, Incident, ReportRule

M = dt.timedelta(minutes=1)


def first_due(incident, unit_name="旧县街道应急办"):
    return Due.objects.get(incident=incident, desk__unit__name=unit_name, stage="first")


def test_every_default_rule_is_cited_and_the_verified_ones_quote_the_article(db):
    rules = list(ReportRule.objects.filter(region=None))
    assert {r.code for r in rules} >= {"R493_A9_UNIT", "R493_A11_LEVEL", "R493_A13_WINDOW_30", "R493_A13_WINDOW_7"}
    for r in rules:
        assert r.source and r.article and r.quote
    assert ReportRule.objects.get(code="R493_A11_LEVEL").minutes == 120  # 条例第十一条: 2 小时
    assert ReportRule.objects.get(code="R493_A9_UNIT").minutes == 60  # 第九条: 1 小时
    assert {r.window_days for r in rules if r.stage == "window"} == {30, 7}  # 第十三条
    assert not ReportRule.objects.get(code="AQ21_FOLLOWUP_DAILY").verified  # only seen in summaries: says so


def test_the_grade_is_computed_from_the_figures_and_the_missing_count(take):
    assert take(deaths=2).grade == "general"
    assert take(deaths=3).grade == "larger"  # 第三条: 3人以上 includes 3
    assert take(deaths=2, missing=1).grade == "larger"  # 第十二条(四): 可能造成的伤亡，包括下落不明
    assert take(serious_injuries=10, injured=10).grade == "larger"
    assert take(deaths=10).grade == "major"
    with pytest.raises(ValidationError) as err:  # a natural disaster has no 条例 table: the desk judges
        take(kind="flood")
    assert "grade" in err.value.message_dict
    assert take(kind="flood", grade="larger").grade_set_by_hand


def test_the_first_report_is_due_two_hours_after_the_desk_heard_and_on_time_at_the_second(take, users):
    incident = take(hours=3)
    due = first_due(incident)
    assert due.due_at == incident.received_at + dt.timedelta(minutes=120)
    report = services.submit(users["jiuxian"], incident.pk, "first", "phone", "首报正文", at=due.due_at)
    assert report.late_minutes == 0 and not Flag.objects.filter(incident=incident).exists()
    due.refresh_from_db()
    assert due.met_by == report


def test_a_first_report_a_second_late_is_late_by_one_minute_and_flagged_automatically(take, users):
    incident = take(hours=3)
    due = first_due(incident)
    report = services.submit(users["jiuxian"], incident.pk, "first", "phone", "首报",
                             at=due.due_at + dt.timedelta(seconds=1))
    assert report.late_minutes == 1
    flag = Flag.objects.get(incident=incident)
    assert flag.kind == "late" and flag.automatic and flag.unit.name == "旧县街道应急办" and flag.minutes == 1
    assert "第十一条" in flag.reason


def test_the_report_reaches_the_district_whose_own_two_hours_start_when_it_arrives(take, users):
    incident = take(hours=3)
    at = incident.received_at + dt.timedelta(minutes=40)
    report = services.submit(users["jiuxian"], incident.pk, "first", "phone", "首报", at=at)
    assert report.to_unit.name == "区应急局"
    district_due = first_due(incident, "区应急局")
    assert district_due.due_at == at + dt.timedelta(minutes=120)
    # the district is told, and signs for it
    assert Notification.objects.filter(user=users["duty"], title__contains="首报").exists()
    services.receive(users["duty"], report.pk)
    up = services.submit(users["duty"], incident.pk, "first", "phone", "首报市局", at=at + dt.timedelta(minutes=60))
    assert up.to_unit is None and up.to_name == "重庆市应急管理局"


def test_follow_ups_are_due_daily_for_larger_and_twice_daily_for_major_and_a_late_one_is_flagged(take, users):
    incident = take(hours=30, deaths=3)
    first_at = incident.received_at + dt.timedelta(minutes=30)
    services.submit(users["jiuxian"], incident.pk, "first", "written", "首报", at=first_at, history=True)
    followup = Due.objects.get(incident=incident, desk__unit=users["jiuxian"].unit, stage="followup")
    assert followup.due_at == first_at + dt.timedelta(hours=24)  # 较大: 每日至少续报1次
    late = services.submit(users["jiuxian"], incident.pk, "followup", "written", "续报一",
                           at=followup.due_at + dt.timedelta(minutes=45), history=True)
    assert late.label == "续报一" and late.late_minutes == 45
    assert Flag.objects.filter(incident=incident, kind="late", report=late).exists()
    # the figures rise to 重大: the next 续报 is due 12 hours after the last report, not 24
    services.update(users["jiuxian"], incident.pk, {"deaths": 10})
    nxt = Due.objects.get(incident=incident, desk__unit=users["jiuxian"].unit, stage="followup", met_at=None,
                          cancelled=False)
    assert nxt.due_at == late.submitted_at + dt.timedelta(hours=12)
    assert TimelineEvent.objects.filter(object_id=incident.pk, action="grade").exists()


def test_the_chain_runs_in_order_and_the_final_report_closes_it(take, users):
    incident = take(hours=4)
    with pytest.raises(ValidationError):
        services.submit(users["jiuxian"], incident.pk, "final", "written", "终报")
    services.submit(users["jiuxian"], incident.pk, "first", "written", "首报")
    with pytest.raises(ValidationError):
        services.submit(users["jiuxian"], incident.pk, "first", "written", "首报又一次")
    services.submit(users["jiuxian"], incident.pk, "final", "written", "终报")
    assert not Due.objects.filter(incident=incident, desk__unit=users["jiuxian"].unit, met_at=None,
                                  cancelled=False).exists()
    incident.refresh_from_db()
    assert incident.status == "open"  # the district has not sent its own 终报 yet
    services.submit(users["duty"], incident.pk, "first", "written", "首报")
    services.submit(users["duty"], incident.pk, "final", "written", "终报")
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.closed_at


def test_a_casualty_change_after_the_final_report_inside_thirty_days_owes_a_supplement_the_same_day(take, users):
    incident = take(hours=48, deaths=1)
    for user in ("jiuxian", "duty"):
        services.submit(users[user], incident.pk, "first", "written", "首报")
        services.submit(users[user], incident.pk, "final", "written", "终报")
    services.update(users["jiuxian"], incident.pk, {"deaths": 2})
    dues = Due.objects.filter(incident=incident, stage="supplement")
    assert dues.count() == 2  # each desk that sent its 终报
    end_of_day = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    assert {d.due_at for d in dues} == {end_of_day}
    services.submit(users["jiuxian"], incident.pk, "supplement", "written", "补报一")
    assert Due.objects.get(incident=incident, desk__unit=users["jiuxian"].unit, stage="supplement").met_at


@pytest.mark.parametrize(("kind", "days", "inside"), [("work_safety", 30, True), ("work_safety", 31, False),
                                                        ("road", 7, True), ("road", 8, False)])
def test_the_supplement_window_is_thirty_days_or_seven_for_road_and_fire(db, kind, days, inside):
    """"自事故发生之日起30日内": the day of the event is not counted (民法典第二百零一条), the last day
    runs to 24:00. An event at 10:00 on 1 March: a change late on 31 March still counts."""
    tz = timezone.get_current_timezone()
    incident = Incident(kind=kind, grade="general", region=Region(path="/1/"),
                        occurred_at=dt.datetime(2026, 3, 1, 10, tzinfo=tz))
    ends = R.supplement_window_ends(R.Rules(), incident)
    change = dt.datetime(2026, 3, 1, 23, 59, tzinfo=tz) + dt.timedelta(days=days)
    assert (change < ends) is inside


def test_a_province_sets_phone_and_written_limits_and_a_phone_call_does_not_answer_the_written_one(take, users,
                                                                                                   district):
    today = timezone.localdate() - dt.timedelta(days=2)
    for code, medium, minutes in (("CQ_PHONE", "phone", 30), ("CQ_WRITTEN", "written", 60)):
        ReportRule.objects.create(code=code, label=f"{medium}", region=district.parent, effective_from=today,
                                  stage="first", medium=medium, grades="larger,major,especially", minutes=minutes,
                                  counts_from="event", source="测试规定", article="第五条", quote="……")
    incident = take(hours=3, deaths=3)
    dues = {d.medium: d for d in Due.objects.filter(incident=incident, stage="first", desk__unit=users["jiuxian"].unit)}
    assert dues["phone"].due_at == incident.occurred_at + 30 * M
    assert dues["written"].due_at == incident.occurred_at + 60 * M
    assert dues[""].due_at == incident.received_at + 120 * M  # the national 2 hours still hold
    services.submit(users["jiuxian"], incident.pk, "first", "phone", "电话首报", at=incident.occurred_at + 20 * M)
    for d in dues.values():
        d.refresh_from_db()
    assert dues["phone"].met_at and dues[""].met_at and dues["written"].met_at is None
    # a general accident is not covered by the province's rows
    assert not Due.objects.filter(incident=take(hours=3, deaths=1), medium="phone").exists()


def test_a_local_row_replaces_the_default_only_from_its_date(take, district, users):
    ReportRule.objects.create(code="R493_A11_LEVEL", label="本市每级1小时", region=district,
                              effective_from=timezone.localdate(), stage="first", minutes=60, counts_from="received",
                              source="测试", article="第一条", quote="……")
    earlier = take(hours=30)  # happened yesterday: the rules of that day
    assert first_due(earlier).due_at == earlier.received_at + 120 * M
    # happened today (local): 0.2 h back is still yesterday in the first minutes after midnight Beijing time
    today = take(hours=0.01, received_at=timezone.now())
    assert first_due(today).due_at == today.received_at + 60 * M


def test_the_unit_hour_is_checked_when_the_enterprise_itself_reported(take, make_enterprise):
    ent = make_enterprise()
    now = timezone.now()
    on_time = take(source="unit", enterprise=ent, occurred_at=now - 3 * dt.timedelta(hours=1),
                   received_at=now - 2 * dt.timedelta(hours=1))
    assert not on_time.flags.exists()  # exactly 60 minutes: 1小时内
    late = take(source="unit", enterprise=ent, occurred_at=now - 3 * dt.timedelta(hours=1),
                received_at=now - 2 * dt.timedelta(hours=1) + M)
    # 第九条 counts from when the unit's head heard: the desk is told to check, a person flags it
    assert not late.flags.exists()
    note = TimelineEvent.objects.get(object_id=late.pk, action="flag")
    assert "疑似迟报" in note.comment and "超1分钟" in note.comment and "第九条" in note.comment


def test_the_tick_marks_each_overdue_deadline_once_and_tells_both_desks(take, users):
    incident = take(hours=5)  # 首报 was due 2h10m after the event: overdue
    assert services.run_overdue() == 1
    assert services.run_overdue() == 0
    assert TimelineEvent.objects.filter(object_id=incident.pk, action="overdue").count() == 1
    assert Notification.objects.filter(user=users["jiuxian"], title__startswith="报送逾期").exists()


def test_an_exercise_runs_the_clocks_but_is_never_flagged(take, users):
    incident = take(hours=5, is_exercise=True)
    report = services.submit(users["jiuxian"], incident.pk, "first", "written", "演练首报")
    assert report.late_minutes == 0 or not Flag.objects.filter(incident=incident).exists()
    assert not Flag.objects.filter(incident=incident).exists()


def test_a_written_report_is_dated_when_sent_and_a_phone_report_backdated_a_day_at_most(take, users):
    incident = take(hours=30)
    now = timezone.now()
    with pytest.raises(ValidationError) as err:  # the desk being timed does not choose its time
        services.submit(users["jiuxian"], incident.pk, "first", "written", "首报", at=now - dt.timedelta(hours=2))
    assert "书面报告" in str(err.value)
    with pytest.raises(ValidationError):
        services.submit(users["jiuxian"], incident.pk, "first", "phone", "首报", at=now - dt.timedelta(hours=25))
    first = services.submit(users["jiuxian"], incident.pk, "first", "phone", "电话首报", at=now - dt.timedelta(hours=2))
    assert first.recorded_at > first.submitted_at  # both times kept
    with pytest.raises(ValidationError):  # not before the desk's last report
        services.submit(users["jiuxian"], incident.pk, "followup", "phone", "续报", at=now - dt.timedelta(hours=3))
    services.submit(users["jiuxian"], incident.pk, "followup", "written", "续报一")
    with pytest.raises(ValidationError):  # a double click
        services.submit(users["jiuxian"], incident.pk, "followup", "written", "续报一")


def test_after_a_phone_first_report_the_written_one_is_still_owed_and_flagged_if_never_sent(take, users, district):
    today = timezone.localdate() - dt.timedelta(days=2)
    ReportRule.objects.create(code="CQ_WRITTEN", label="书面首报1小时", region=district.parent, effective_from=today,
                              stage="first", medium="written", minutes=60, counts_from="event", source="测试规定",
                              article="第五条", quote="……")
    incident = take(hours=3)
    services.submit(users["jiuxian"], incident.pk, "first", "phone", "电话首报",
                    at=incident.occurred_at + dt.timedelta(minutes=20))
    desk = incident.desks.get(unit=users["jiuxian"].unit)
    assert services.next_stage(desk)[0] == "first"  # the written 首报 may still be sent
    services.submit(users["jiuxian"], incident.pk, "final", "written", "终报")
    flag = Flag.objects.get(incident=incident, due__rule__code="CQ_WRITTEN")
    assert "至终报仍未报送" in flag.reason


def test_a_deadline_already_passed_stays_owed_when_the_grade_falls(take, users):
    incident = take(hours=5, deaths=3)
    services.run_overdue()
    services.update(users["jiuxian"], incident.pk, {"deaths": 1})
    due = first_due(incident)
    assert not due.cancelled and due.overdue_at
