"""Patrols: the 日周月 tiers on core.routine (behind flags), rain checks with deadlines, findings to
销号 with separation of duties; and the duty desk panel, the map layer, the 待办."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anying.core import workqueue
from anying.core.errors import PermissionDenied
from anying.core.permissions import SYSTEM
from anying.places import layers
from anying.riskpoints import evacuations, patrols, views_desk
from anying.riskpoints.models import PatrolFinding, PatrolSchedule, RainCheck


def test_three_tiers_village_daily_town_weekly_district_monthly(make_point):
    point = make_point()
    made = patrols.ensure_schedules(SYSTEM, point.pk)
    assert sorted((s.tier, s.frequency) for s in made) == [("district", "monthly"), ("town", "weekly"),
                                                           ("village", "daily")]
    assert patrols.ensure_schedules(SYSTEM, point.pk) == []


def test_a_missed_day_is_behind_and_a_round_is_once_per_period(users, make_point):
    point = make_point()
    today = timezone.localdate()
    patrols.ensure_schedules(SYSTEM, point.pk, starts_on=today - dt.timedelta(days=10))
    daily = point.patrol_schedules.get(tier="village")
    assert daily in patrols.behind_schedules(users["jiuxian"])
    patrols.record_round(users["jiuxian"], daily.pk, inspectors="张三", day=today - dt.timedelta(days=1), today=today)
    assert daily not in patrols.behind_schedules(users["jiuxian"], today)
    with pytest.raises(ValidationError) as exc:
        patrols.record_round(users["jiuxian"], daily.pk, inspectors="张三", day=today - dt.timedelta(days=1), today=today)
    assert "已经记录过了" in str(exc.value)
    assert not patrols.behind_schedules(users["hufeng"]).exists()  # another town sees none


def test_a_problem_needs_a_description_and_becomes_a_finding(users, make_point):
    point = make_point()
    patrols.ensure_schedules(SYSTEM, point.pk)
    s = point.patrol_schedules.get(tier="town")
    with pytest.raises(ValidationError):
        patrols.record_round(users["jiuxian"], s.pk, inspectors="张三", problem=True)
    patrols.record_round(users["jiuxian"], s.pk, inspectors="张三", problem=True, note="截水沟淤塞")
    f = PatrolFinding.objects.get()
    assert f.status == "open" and f.point == point and f.round.schedule == s


def test_a_finding_is_closed_by_someone_else(users, make_point):
    point = make_point()
    f = patrols._open_finding(SYSTEM, point, "裂缝", timezone.localdate())
    patrols.run_finding(users["jiuxian"], f.pk, "rectify", comment="已回填夯实")
    with pytest.raises(PermissionDenied):
        patrols.run_finding(users["jiuxian"], f.pk, "close")
    f = patrols.run_finding(users["admin"], f.pk, "close")
    assert f.status == "closed" and f.closed_on and f.closed_by == users["admin"]


def test_rain_checks_are_done_once_and_behind_after_their_deadline(users, make_point, make_warning, town):
    make_point()
    w = make_warning("rainstorm", "blue", regions=[town("旧县街道")])
    evacuations.on_issue(w)
    before = RainCheck.objects.get(phase="before")
    assert before.due_at > timezone.now()
    assert not patrols.behind_rain_checks(users["jiuxian"]).exists()
    later = timezone.now() + dt.timedelta(hours=3)
    assert before in patrols.behind_rain_checks(users["jiuxian"], later)
    patrols.complete_rain_check(users["jiuxian"], before.pk, problem=True, note="坡脚有新裂缝")
    with pytest.raises(ValidationError):
        patrols.complete_rain_check(users["jiuxian"], before.pk)
    assert PatrolFinding.objects.get().rain_check == before


def test_desk_panel_shows_evacuations_and_points_by_threat(users, make_point):
    point = make_point()
    evacuations.start(SYSTEM, point.pk, trigger="order", reason="指令")
    panel = views_desk.desk_panel(users["duty"], timezone.now())
    assert panel["rows"][0]["badge"] == "0/3 户" and point.name in panel["rows"][0]["text"]
    assert "小型 1" in panel["rows"][-1]["note"]
    assert views_desk.desk_panel(users["hufeng"], timezone.now())["rows"][0]["badge"] == "0"


def test_map_layer_is_scoped(users, make_point):
    point = make_point()
    layer = layers.REGISTRY["riskpoints"]
    assert list(layers.rows(layer, users["jiuxian"]).values_list("pk", flat=True)) == [point.pk]
    assert not layers.rows(layer, users["hufeng"]).exists()


def test_work_sources(users, make_point, make_warning, town):
    point = make_point()
    evacuations.start(SYSTEM, point.pk, trigger="order", reason="指令")
    evacuations.on_issue(make_warning("rainstorm", "blue", regions=[town("旧县街道")]))
    sources = {s.key: s for s in workqueue.SOURCES} if hasattr(workqueue, "SOURCES") else None
    today = timezone.localdate()
    from anying.riskpoints import work

    assert work.evacuations_due(users["jiuxian"], today).count() == 1
    assert work.rain_checks_due(users["jiuxian"], today).count() == 3
    assert work.rain_checks_due(users["hufeng"], today).count() == 0
    assert sources is None or "riskpoints.evacuations" in sources


def test_schedules_are_unique_per_active_tier(make_point):
    point = make_point()
    patrols.ensure_schedules(SYSTEM, point.pk)
    assert PatrolSchedule.objects.filter(point=point).count() == 3
