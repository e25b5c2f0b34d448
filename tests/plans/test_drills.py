"""Drills: quotas per period and who is behind (towns, enterprises — the town sees its own), the
evaluation's weaknesses as follow-ups and plan-revision tasks, and the 待办."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anying.core import workqueue
from anying.core.errors import PermissionDenied
from anying.core.permissions import SYSTEM
from anying.plans import drills, services
from anying.plans.models import Drill, DrillEvaluation, DrillQuota, FollowUp

K = Drill.Kind


@pytest.fixture
def make_drill(ref, units):
    def make(owner="旧县街道应急办", name="演练", kind=K.LIVE, hazard="forest_fire", held_on=None, **fields):
        unit = units[owner] if isinstance(owner, str) else owner
        day = held_on or timezone.localdate()
        drill = drills.save_drill(SYSTEM, Drill(owner=unit, name=name, kind=kind, hazard_type=ref[hazard],
                                                year=day.year, month=day.month, **fields))
        if held_on:
            drill = drills.record(SYSTEM, drill.pk, held_on=held_on, place="现场", units="", people=10, text="")
        return drill
    return make


def test_windows():
    assert drills.window(6, dt.date(2026, 6, 30)) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert drills.window(6, dt.date(2026, 7, 1)) == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    assert drills.window(12, dt.date(2026, 12, 31)) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert drills.window(24, dt.date(2026, 3, 1)) == (dt.date(2025, 1, 1), dt.date(2026, 12, 31))


def test_town_quotas_count_only_matching_drills_of_this_year(make_drill, users):
    today = timezone.localdate()
    make_drill(name="桌面推演不算实战", kind=K.TABLETOP, held_on=today)
    make_drill(name="去年的实战", held_on=dt.date(today.year - 1, 12, 31))
    make_drill(name="计划中未开展", kind=K.LIVE)
    make_drill(name="救助演练", kind=K.TABLETOP, hazard="relief", held_on=today)

    def state(user, town="旧县街道"):
        return {r.quota.code: (r.done, r.behind) for r in drills.town_quotas(user, today) if r.town.name == town}

    assert state(users["jiuxian"])["TOWN_FOREST_FIRE_LIVE"] == (0, True)
    assert state(users["jiuxian"])["TOWN_RELIEF"] == (1, False)
    make_drill(name="今年的实战", held_on=dt.date(today.year, 1, 1))
    assert state(users["jiuxian"])["TOWN_FOREST_FIRE_LIVE"] == (1, False)
    assert state(users["admin"], "虎峰镇")["TOWN_FOREST_FIRE_LIVE"] == (0, True)  # the district sees every town
    assert {r.town.name for r in drills.town_quotas(users["jiuxian"], today)} == {"旧县街道"}
    # the 2-year 生产安全事故 drill of 条例708号第八条: last year's counts
    make_drill(name="去年的事故演练", kind=K.TABLETOP, hazard="work_safety", held_on=dt.date(today.year - 1, 1, 1))
    assert state(users["jiuxian"])["TOWN_ACCIDENT_2Y"] == (1, False)


def test_enterprises_behind_by_their_quota(make_drill, make_enterprise, enterprise_user, users, monkeypatch):
    chem = make_enterprise("化工企业", industry_name="危险化学品")
    plain = make_enterprise("机械企业")
    other_town = make_enterprise("虎峰企业", town_name="虎峰镇")
    july = dt.date(2026, 7, 2)
    make_drill(chem.organisation, "上半年疏散", hazard="fire", held_on=dt.date(2026, 6, 30), evacuation=True)
    make_drill(plain.organisation, "疏散", hazard="fire", held_on=dt.date(2026, 3, 1), evacuation=True)
    make_drill(other_town.organisation, "消防演练但不含疏散", hazard="fire", held_on=dt.date(2026, 3, 1))

    def behind(user, today):
        return {e.name: (e.drills_done, e.quota_code, e.work_due) for e in drills.enterprises_behind(user, today)}

    assert behind(users["admin"], dt.date(2026, 6, 30)) == {
        "虎峰企业": (0, "ENT_EVACUATION", dt.date(2026, 12, 31))}
    assert behind(users["admin"], july) == {
        "化工企业": (0, "HIGH_RISK_EVACUATION", dt.date(2026, 12, 31)),
        "虎峰企业": (0, "ENT_EVACUATION", dt.date(2026, 12, 31))}
    assert set(behind(users["jiuxian"], july)) == {"化工企业"}  # a town sees its own enterprises
    assert set(behind(enterprise_user(other_town, "hf"), july)) == {"虎峰企业"}
    assert drills.enterprise_quota(chem).code == "HIGH_RISK_EVACUATION"
    assert drills.enterprise_quota(plain).code == "ENT_EVACUATION"
    DrillQuota.objects.filter(code="HIGH_RISK_EVACUATION").update(months=12)  # quotas are data
    assert set(behind(users["admin"], july)) == {"虎峰企业"}


def test_evaluation_weaknesses_become_follow_ups_and_revision_tasks(make_drill, make_plan, users, units):
    plan = make_plan()
    planned = make_drill(name="计划", plan=plan)
    evaluation = DrillEvaluation(score=80, evaluated_on=timezone.localdate(), evaluator="区应急局")
    with pytest.raises(ValidationError, match="开展后"):
        drills.evaluate(users["yingji"], planned.pk, evaluation, [])
    drill = drills.record(users["jiuxian"], planned.pk, held_on=timezone.localdate(), place="林区", units="", people=50,
                          text="")
    with pytest.raises(PermissionDenied):  # another town
        drills.evaluate(users["hufeng"], drill.pk, evaluation, [])
    due = timezone.localdate() + dt.timedelta(days=30)
    with pytest.raises(ValidationError):
        drills.evaluate(users["yingji"], drill.pk, DrillEvaluation(score=101, evaluated_on=timezone.localdate(),
                                                                   evaluator="x"), [])
    drills.evaluate(users["yingji"], drill.pk, evaluation, [
        drills.Weakness("疏散路线未更新", units["旧县街道应急办"], due, revise=True),
        drills.Weakness("风力灭火机不足", units["旧县街道应急办"], due)])
    tasks = FollowUp.objects.filter(object_id=evaluation.pk).order_by("pk")
    assert [(t.kind, t.plan_id) for t in tasks] == [("task", None), ("revision", plan.pk), ("task", None)]
    with pytest.raises(ValidationError, match="已评估"):
        drills.evaluate(users["yingji"], drill.pk, DrillEvaluation(score=1, evaluated_on=timezone.localdate(),
                                                                   evaluator="x"), [])
    with pytest.raises(ValidationError, match="不能再修改"):
        drills.record(users["jiuxian"], drill.pk, held_on=timezone.localdate(), place="x", units="", people=1, text="")
    unplanned = make_drill(name="无预案", held_on=timezone.localdate())
    with pytest.raises(ValidationError, match="未关联预案"):
        drills.evaluate(users["yingji"], unplanned.pk, DrillEvaluation(score=90, evaluated_on=timezone.localdate(),
                                                                       evaluator="x"),
                        [drills.Weakness("x", units["旧县街道应急办"], due, revise=True)])
    # 待办: the town's follow-ups and revision tasks; completed only by the town
    today = timezone.localdate()
    keys = {s.key: s for s in workqueue.SOURCES}
    assert keys["plans.follow_ups"].items(users["jiuxian"], today).count() == 2
    assert keys["plans.revisions"].items(users["jiuxian"], today).count() == 1
    assert keys["plans.follow_ups"].items(users["hufeng"], today).count() == 0
    task = tasks.first()
    with pytest.raises(PermissionDenied):
        services.complete_follow_up(users["yingji"], task.pk, "代办")
    with pytest.raises(ValidationError, match="完成情况"):
        services.complete_follow_up(users["jiuxian"], task.pk, " ")
    services.complete_follow_up(users["jiuxian"], task.pk, "已重新勘定路线")
    assert keys["plans.follow_ups"].items(users["jiuxian"], today).count() == 1


def test_add_follow_up_for_other_modules(users, units):
    """The incident review will call add_follow_up: a unit the actor covers, never a foreign one."""
    town = units["旧县街道应急办"]
    follow = services.add_follow_up(users["yingji"], town, "复盘：通信保障不足", town, timezone.localdate())
    assert follow.region == town.region and follow.source_label.startswith("单位")
    with pytest.raises(PermissionDenied):
        services.add_follow_up(users["hufeng"], None, "越权", town, timezone.localdate())
    with pytest.raises(ValidationError):
        services.add_follow_up(users["jiuxian"], None, "", town, timezone.localdate())


def test_drills_are_kept_by_their_unit(make_drill, users, ref):
    drill = make_drill(name="旧县计划")
    drill.name = "改名"
    with pytest.raises(PermissionDenied):
        drills.save_drill(users["hufeng"], drill)
    with pytest.raises(Drill.DoesNotExist):
        Drill.objects.visible_to(users["hufeng"]).get(pk=drill.pk)
    with pytest.raises(ValidationError, match="取消原因"):
        drills.cancel(users["jiuxian"], drill.pk, "")
    drills.cancel(users["jiuxian"], drill.pk, "森林防火期禁火，改期")
    assert Drill.objects.get(pk=drill.pk).status == Drill.Status.CANCELLED
    with pytest.raises(ValidationError, match="晚于今天"):
        make_drill(name="未来", held_on=timezone.localdate() + dt.timedelta(days=1))
