"""Rates, coverage, the 2+7+14+N count, standby and the clocks."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anying.core import clock
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, ClockStep
from anying.rescue import rules, services
from anying.rescue.clocks import CERTIFICATE_EXPIRY, STANDBY_MISSING
from anying.rescue.models import Certificate, EquipmentStandard, Member, StandbyReport, Team

pytestmark = pytest.mark.django_db


def test_targets_are_cited():
    t = rules.targets()
    assert (t["professional_teams"].value, t["central_town_teams"].value, t["town_teams"].value) == (2, 7, 14)
    assert t["staffing_rate"].value == 90 and t["equipment_rate"].value == 90
    assert rules.targets(year=2026)["village_station_rate"].value == 100
    assert rules.targets(year=2025)["village_station_rate"].value == 90
    assert all(x.source for x in t.values())


def _members(team, n):
    for i in range(n):
        services.save_member(None, Member(team=team, name=f"队员{i}"))


def test_staffing_and_equipment_rates(make_team, users):
    a = make_team(authorised_strength=10)
    b = make_team(name="虎峰镇专职救援队", owner="虎峰镇应急办", authorised_strength=4)
    _members(a, 9)
    _members(b, 4)
    s1 = EquipmentStandard.objects.create(tier="town", category="破拆", name="液压破拆工具组", quantity=1, source="测试")
    s2 = EquipmentStandard.objects.create(tier="town", category="水域", name="救生衣", quantity=10, source="测试")
    services.set_equipment(None, a.pk, {s1.pk: 1, s2.pk: 5})
    services.set_equipment(None, b.pk, {s1.pk: 2, s2.pk: 10})
    r = rules.rates([a, b])
    assert r[a.pk].staffing == Decimal("90.0") and r[a.pk].staffed is False
    assert r[b.pk].staffed is True
    assert (r[a.pk].items_met, r[a.pk].items_required, r[a.pk].equipped) == (1, 2, False)
    assert r[b.pk].equipment == Decimal("100.0") and r[b.pk].equipped
    o = rules.overview(users["admin"])
    assert o.staffed == (1, 2) and o.staffing_rate == Decimal("50.0")
    assert o.equipped == (1, 2) and o.equipment_rate == Decimal("50.0")


def test_equipment_of_another_tier_is_refused(make_team):
    team = make_team(category=Team.Category.SOCIAL, name="社会救援队")
    s = EquipmentStandard.objects.create(tier="town", category="破拆", name="液压破拆工具组", quantity=1, source="测试")
    with pytest.raises(ValidationError):
        services.set_equipment(None, team.pk, {s.pk: 1})


def test_structure_count_and_town_coverage(make_team, users):
    make_team(name="区消防救援支队", category=Team.Category.FIRE, owner="区应急局")
    parent = make_team(name="区应急救援中队", category=Team.Category.DISTRICT, owner="区应急局")
    make_team(name="虎峰分队", category=Team.Category.DISTRICT, owner="区应急局", parent=parent)
    make_team(name="旧县街道专职队")
    make_team(name="虎峰镇兼职队", category=Team.Category.TOWN, owner="虎峰镇应急办")
    make_team(name="铜龙应急救援大队", category=Team.Category.SOCIAL, owner="区应急局")
    o = rules.overview(users["admin"])
    by = {row["label"]: row for row in o.structure}
    assert by["专业队伍"]["actual"] == 2  # the branch is not a third team
    assert by["中心镇（街）专职队"] == {**by["中心镇（街）专职队"], "target": 7, "actual": 1}
    assert by["镇（街）兼职队"]["actual"] == 1 and by["社会应急救援力量（N）"]["actual"] == 1
    assert o.towns == (2, 28) and "旧县街道" not in o.missing_towns and "安居镇" in o.missing_towns
    assert "高新区" not in o.missing_towns  # a park is not a town: no town team required


def test_village_coverage(make_team, village, users):
    v1, v2, v3 = village("新民村"), village("团结社区"), village("白马村", "虎峰镇")
    make_team(name="新民村救援站", category=Team.Category.VILLAGE, region=v1)
    make_team(name="白马村救援站", category=Team.Category.VILLAGE, owner="虎峰镇应急办", region=v3)
    assert rules.overview(users["admin"]).villages == (2, 3)
    town = rules.overview(users["jiuxian"])
    assert town.villages == (1, 2) and town.village_rate == Decimal("50.0")
    with pytest.raises(ValidationError):  # a village station lies in a village
        make_team(name="错站", category=Team.Category.VILLAGE)
    assert v2


def test_team_outside_territory_refused(make_team, users):
    with pytest.raises(ValidationError):
        make_team(name="越界队", owner="虎峰镇应急办", actor=users["jiuxian"])
    with pytest.raises(PermissionDenied):
        make_team(actor=users["leader"])  # no rescue.edit


def test_base_is_a_place_and_follows_dispatchable(make_team):
    team = make_team(base={"address": "旧县街道某路1号", "latitude": Decimal("29.80"), "longitude": Decimal("106.05")})
    assert team.base.kind == "team_base" and team.base.owner_id == team.owner_id
    team.dispatchable = True
    services.save_team(None, team)
    team.base.refresh_from_db()
    assert team.base.dispatchable


def test_standby_report_counts_person_times_and_flags_missing(make_team, users):
    team = make_team()
    part_time = make_team(name="兼职队", category=Team.Category.TOWN)
    today = timezone.localdate()
    assert team.standby_due == today
    assert list(rules.missing_standby(users["jiuxian"], today)) == [team]  # the part-time one owes none
    services.report_standby(users["jiuxian"], team.pk, today, people=8, vehicles=2)
    services.report_standby(users["jiuxian"], team.pk, today - dt.timedelta(days=1), people=6, vehicles=1)
    assert not rules.missing_standby(users["jiuxian"], today).exists()
    assert rules.person_times(users["jiuxian"], today - dt.timedelta(days=7), today)["people"] == 14
    team.refresh_from_db()
    assert team.standby_due == today + dt.timedelta(days=1)  # an older report does not move it back
    services.report_standby(users["jiuxian"], team.pk, today, people=9)  # corrected the same day
    assert StandbyReport.objects.get(team=team, day=today).people == 9
    with pytest.raises(ValidationError):
        services.report_standby(users["jiuxian"], team.pk, today + dt.timedelta(days=1), people=5)
    with pytest.raises(PermissionDenied):
        services.report_standby(users["hufeng"], team.pk, today, people=5)  # another town's team
    assert AuditEvent.objects.filter(summary__startswith="值班备勤").count() == 3
    assert part_time


def test_standby_clock_flags_a_team_that_stops_reporting(make_team, users):
    team = make_team()
    now = timezone.now() + dt.timedelta(days=2)
    assert clock.run(now, [STANDBY_MISSING]) == 1  # d1 taken, d3 not yet
    assert ClockStep.objects.filter(clock="rescue_standby", object_id=team.pk, code="d1").exists()
    assert clock.run(now, [STANDBY_MISSING]) == 0
    services.report_standby(users["jiuxian"], team.pk, timezone.localdate(), people=5)
    assert clock.run(now + dt.timedelta(days=5), [STANDBY_MISSING]) == 2  # a new cycle: d1 and d3


def test_certificate_expiry_alerts(make_team, users):
    team = make_team()
    member = services.save_member(users["jiuxian"], Member(team=team, name="张三"))
    today = timezone.localdate()
    services.save_certificate(users["jiuxian"], Certificate(member=member, name="救援员证",
                                                            expires_on=today + dt.timedelta(days=30)))
    assert clock.run(timezone.now(), [CERTIFICATE_EXPIRY]) == 1  # the 60-day rung
    assert users["jiuxian"].notifications.filter(title__contains="证书").exists()


def test_training_plan_periods(make_team, users):
    from anying.rescue.models import TrainingPlan, TrainingRecord

    team = make_team()
    jx = users["jiuxian"]
    with pytest.raises(ValidationError):
        services.save_plan(jx, TrainingPlan(team=team, period="weekly", starts_on=dt.date(2026, 3, 4), title="周计划"))
    services.save_plan(jx, TrainingPlan(team=team, period="weekly", starts_on=dt.date(2026, 3, 2), title="周计划"))
    services.save_plan(jx, TrainingPlan(team=team, period="monthly", starts_on=dt.date(2026, 3, 1), title="月计划"))
    with pytest.raises(ValidationError):
        services.save_plan(jx, TrainingPlan(period="monthly", starts_on=dt.date(2026, 3, 1), title="无队伍"))
    services.record_training(jx, TrainingRecord(team=team, day=timezone.localdate(), subject="水域救援", hours=2,
                                                participants=10, joint_with="区消防救援支队"))
    with pytest.raises(PermissionDenied):
        services.save_assessment(jx, team.pk, 2026, Decimal("90"))  # the district assesses
    services.save_assessment(users["admin"], team.pk, 2026, Decimal("91.5"))
    with pytest.raises(ValidationError):
        services.save_assessment(users["admin"], team.pk, 2026, Decimal("120"))


def test_work_sources(make_team, users):
    from anying.core import workqueue

    team = make_team()
    member = services.save_member(None, Member(team=team, name="张三"))
    services.save_certificate(None, Certificate(member=member, name="救援员证",
                                                expires_on=timezone.localdate() + dt.timedelta(days=10)))
    counts = workqueue.counts(users["jiuxian"])
    assert counts["rescue.standby"]["n"] == 1 and counts["rescue.certificates"]["n"] == 1
    assert workqueue.counts(users["hufeng"])["rescue.standby"]["n"] == 0
