"""Responding: activation with the plan's tasks, orders with receipt and completion, dispatch of the
nearest team and of supplies through the ledger, the 1-hour arrival rate, the field command post, the
review's follow-ups and the accident record linked both ways."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from anying.core.errors import PermissionDenied
from anying.core.models import Notification, Organisation
from anying.incidents import response as R
from anying.incidents.models import Dispatch, Incident, Task

from .conftest import POINT

M = dt.timedelta(minutes=1)


def test_activation_hands_the_plans_tasks_to_the_units_and_logs_level_changes(take, users):
    incident = take()
    housing = Organisation.objects.get(name="区住建委")
    r = R.activate(users["duty"], incident.pk, plan_name="区生产安全事故专项应急预案", level=2, commander="李分管",
                   actions=[(housing, "工程抢险组", "组织燃气管网排查", 60), (users["jiuxian"].unit, "", "疏散群众", None)])
    assert r.get_level_display() == "Ⅱ级" and incident.tasks.count() == 2
    task = incident.tasks.get(unit=housing)
    assert task.due_at == r.activated_at + 60 * M and task.source == "plan"
    with pytest.raises(ValidationError):  # one running response per unit
        R.activate(users["duty"], incident.pk, plan_name="x", level=3, commander="y")
    R.change_level(users["duty"], r.pk, 1, "发现被困人员增加")
    with pytest.raises(PermissionDenied):  # the town did not start it
        R.end_response(users["jiuxian"], r.pk, "处置完毕")
    R.end_response(users["duty"], r.pk, "险情排除")
    r.refresh_from_db()
    assert r.level == 1 and r.ended_at


def test_an_order_reaches_the_unit_which_sees_the_incident_signs_and_reports_back(take, users, login, industry):
    from anying.core.roles import Role
    from anying.core.services import create_user

    incident = take(industry=industry("机械"))
    housing = Organisation.objects.get(name="区住建委")
    officer = create_user(None, username="zhujian", password="Anying@2026x", role=Role.DEPT_INSPECTOR, unit=housing,
                          display_name="住建")
    assert not Incident.objects.visible_to(officer).filter(pk=incident.pk).exists()  # not its industry
    task = R.issue(users["duty"], incident.pk, unit=housing, text="派员核查周边建筑安全")
    assert Notification.objects.filter(user=officer, title__contains="调度指令").exists()
    assert login(officer).get(reverse("incident_detail", args=[incident.pk])).status_code == 200
    with pytest.raises(PermissionDenied):
        R.receive_task(users["jiuxian"], task.pk)  # not the town's task
    R.receive_task(officer, task.pk)
    R.report_task(officer, task.pk, "已派2人到场，未发现险情", done=True)
    task.refresh_from_db()
    assert task.status == "done" and task.received_by == officer and task.done_at


def test_the_nearest_team_is_offered_first_and_its_arrival_counts_toward_the_hour(take, users, team, login):
    incident = take(**POINT)
    hits = R.nearest_teams(users["jiuxian"], incident)
    assert hits and hits[0].row["pk"] == team.pk and 2 < hits[0].km < 4
    page = login(users["jiuxian"]).get(reverse("incident_detail", args=[incident.pk])).content.decode()
    assert "就近调派救援队伍" in page and team.name in page
    ordered = timezone.now() - 70 * M
    d = R.dispatch_team(users["jiuxian"], incident.pk, team.pk, people=8, vehicles=2)
    Dispatch.objects.filter(pk=d.pk).update(ordered_at=ordered)
    with pytest.raises(ValidationError):
        R.dispatch_team(users["jiuxian"], incident.pk, team.pk)  # already on its way
    R.mark(users["jiuxian"], d.pk, "departed", at=ordered + 5 * M)
    with pytest.raises(ValidationError):
        R.mark(users["jiuxian"], d.pk, "arrived", at=ordered + 4 * M)  # before it left
    R.mark(users["jiuxian"], d.pk, "arrived", at=ordered + 60 * M)  # exactly the hour: within
    assert R.arrival_rate(incident.dispatches.all()) == {"counted": 1, "reached": 1, "rate": 100.0}
    Dispatch.objects.filter(pk=d.pk).update(arrived_at=ordered + 61 * M)
    assert R.arrival_rate(incident.dispatches.all())["reached"] == 0


def test_a_dispatch_still_inside_its_hour_is_not_counted_yet_and_a_late_one_is_missed(take, users, team):
    incident = take(**POINT)
    R.dispatch_team(users["jiuxian"], incident.pk, team.pk)
    assert R.arrival_rate(incident.dispatches.all())["counted"] == 0
    Dispatch.objects.filter(incident=incident).update(ordered_at=timezone.now() - 61 * M)
    assert R.arrival_rate(incident.dispatches.all()) == {"counted": 1, "reached": 0, "rate": 0.0}


def test_supplies_leave_the_ledger_only_through_the_warehouses_issue(take, users, stores, catalogue, receive):
    from anying.supplies import services as supplies
    from anying.supplies.models import StockBalance

    item = next(iter(catalogue.values()))
    receive(None, stores["jiuxian"], item, Decimal("20"))
    incident = take(**POINT)
    with pytest.raises(ValidationError):
        R.dispatch_supplies(users["jiuxian"], incident.pk, stores["jiuxian"].pk, item.pk, "25")  # more than stock
    d = R.dispatch_supplies(users["jiuxian"], incident.pk, stores["jiuxian"].pk, item.pk, "5")
    assert d.document.kind == "issue" and d.document.status == "draft" and d.km is not None
    assert StockBalance.objects.get(warehouse=stores["jiuxian"], item=item).quantity == 20  # nothing moved yet
    with pytest.raises(ValidationError):
        R.mark(users["jiuxian"], d.pk, "departed")  # not posted
    supplies.post(None, d.document.pk)
    R.mark(users["jiuxian"], d.pk, "departed")
    assert StockBalance.objects.get(warehouse=stores["jiuxian"], item=item).quantity == 15


def test_the_command_post_opens_once_and_closes(take, users):
    incident = take()
    post = R.open_post(users["jiuxian"], incident.pk, place="园区管委会", commander="张镇长", groups="综合协调组\n抢险救援组")
    with pytest.raises(ValidationError):
        R.open_post(users["jiuxian"], incident.pk, place="x", commander="y", groups="z")
    R.close_post(users["jiuxian"], post.pk)


def test_the_command_posts_task_list_is_issued_from_the_page(take, users, login):
    incident = take()
    R.open_post(users["jiuxian"], incident.pk, place="园区管委会", commander="张镇长", groups="综合协调组")
    client = login(users["jiuxian"])
    client.post(reverse("incident_task_issue", args=[incident.pk]), {
        "unit": users["jiuxian"].unit_id, "text": "设置警戒区", "role": "治安警戒组", "for_post": "on"})
    task = incident.tasks.get()
    assert task.source == "post" and task.post == incident.posts.get()
    assert "任务清单 1 项" in client.get(reverse("incident_detail", args=[incident.pk])).content.decode()


def test_the_review_turns_problems_into_follow_up_tasks(take, users):
    from anying.incidents import services

    incident = take()
    services.submit(users["jiuxian"], incident.pk, "first", "written", "首报")  # the district now holds it too
    housing = Organisation.objects.get(name="区住建委")
    R.save_review(users["duty"], incident.pk, {"held_on": timezone.localdate(), "participants": "区应急局、旧县街道",
                                              "summary": "处置及时", "problems": "首报迟报"},
                  [("修订值班制度", users["jiuxian"].unit, timezone.localdate() + dt.timedelta(days=30)),
                   ("排查同类企业", housing, timezone.localdate() + dt.timedelta(days=15))])
    assert incident.tasks.filter(source=Task.Source.REVIEW).count() == 2
    with pytest.raises(ValidationError):
        R.save_review(users["duty"], incident.pk, {"held_on": timezone.localdate(), "participants": "x",
                                                  "summary": "x", "problems": "x"}, [])


def test_a_work_safety_incident_becomes_an_accident_record_linked_both_ways(take, users, industry, login):
    from anying.standards.models import AccidentType

    incident = take(deaths=1, missing=2, injured=3, serious_injuries=1, party="某机械厂")
    with pytest.raises(ValidationError):  # the accident record needs the industry and the type
        R.make_accident(users["jiuxian"], incident.pk)
    from anying.incidents import services

    services.update(users["jiuxian"], incident.pk, {"industry": industry("机械"),
                                                    "accident_type": AccidentType.objects.filter(group="基本事故类型").first()})
    accident = R.make_accident(users["jiuxian"], incident.pk)
    assert accident.deaths == 1 and accident.minor_injuries == 2 and accident.grade == "general"
    assert accident.incidents.get() == incident
    with pytest.raises(ValidationError):
        R.make_accident(users["jiuxian"], incident.pk)
    page = login(users["jiuxian"]).get(reverse("incident_detail", args=[incident.pk])).content.decode()
    assert reverse("accident_detail", args=[accident.pk]) in page
    back = login(users["jiuxian"]).get(reverse("accident_detail", args=[accident.pk])).content.decode()
    assert incident.number in back  # through core.hooks.RELATED_RECORDS: oversight does not import incidents


def test_the_review_page_saves_with_its_follow_ups(take, users, login):
    incident = take()
    from anying.incidents import services

    services.submit(users["jiuxian"], incident.pk, "first", "written", "首报")
    client = login(users["duty"])
    assert client.get(reverse("incident_review", args=[incident.pk])).status_code == 200
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    response = client.post(reverse("incident_review", args=[incident.pk]), {
        "held_on": timezone.localdate().isoformat(), "participants": "区应急局", "summary": "经过", "problems": "问题",
        "p0-text": "完善预案", "p0-unit": users["jiuxian"].unit_id, "p0-due": due})
    assert response.status_code == 302 and incident.tasks.filter(source="review").count() == 1


def test_activating_a_plan_of_the_register_hands_its_level_checklist_to_the_groups_lead_units(take, users):
    from anying.core.permissions import SYSTEM
    from anying.plans import reference
    from anying.plans import services as plans
    from anying.plans.models import EmergencyPlan, HazardType, PlanAction, PlanRole, ResponseLevel

    from ..plans.conftest import through

    reference.ensure()
    bureau = Organisation.objects.get(name="区应急局")
    fire = Organisation.objects.get(name="区消防救援支队")
    plan = plans.save_plan(SYSTEM, EmergencyPlan(owner=bureau, name="铜梁区生产安全事故应急预案",
                                                level=EmergencyPlan.Level.DISTRICT_SPECIAL,
                                                hazard_type=HazardType.objects.get(code="work_safety")))
    levels = {n: plans.save_level(SYSTEM, plan.pk, ResponseLevel(number=n, criteria=f"条件{n}")) for n in (2, 3, 4)}
    office = plans.save_role(SYSTEM, plan.pk, PlanRole(name="指挥部办公室", order=10))
    rescue = plans.save_role(SYSTEM, plan.pk, PlanRole(name="抢险救援组", unit=fire, order=20))
    for level, role, text in ((4, office, "核实并报告"), (3, rescue, "调派救援队"), (2, rescue, "请求市级支援")):
        plans.save_action(SYSTEM, plan.pk, PlanAction(level=levels[level], role=role, text=text, within_minutes=30))
    incident = take()
    with pytest.raises(ValidationError):  # a draft is not in force
        R.activate(users["duty"], incident.pk, plan=plan, level=2, commander="x")
    plan = through(plan, timezone.localdate() - dt.timedelta(days=30))
    with pytest.raises(ValidationError):  # the plan has no 一级
        R.activate(users["duty"], incident.pk, plan=plan, level=1, commander="x")
    r = R.activate(users["duty"], incident.pk, plan=plan, level=3, commander="副区长")
    tasks = {t.text: t for t in r.tasks.all()}
    assert set(tasks) == {"核实并报告", "调派救援队"}  # Ⅲ级 runs Ⅲ and Ⅳ, not Ⅱ
    assert tasks["调派救援队"].unit == fire and tasks["调派救援队"].role == "抢险救援组"
    assert tasks["核实并报告"].unit == bureau  # no lead unit named: the activating unit
    assert r.plan == plan and r.plan_name == plan.name


def test_a_drill_runs_through_the_live_workflow_as_an_exercise(take, users, login):
    from anying.plans import reference
    from anying.plans.models import Drill, HazardType

    reference.ensure()
    drill = Drill.objects.create(name="化工园区泄漏应急演练", kind=Drill.Kind.choices[0][0],
                                 hazard_type=HazardType.objects.get(code="work_safety"),
                                 owner=users["jiuxian"].unit, region=users["jiuxian"].unit.region,
                                 year=timezone.localdate().year, month=timezone.localdate().month,
                                 due_on=timezone.localdate())
    page = login(users["jiuxian"]).get(reverse("plans:drill", args=[drill.pk])).content.decode()
    assert "按真实流程接报演练" in page
    incident = take(drill=drill, hours=5)
    assert incident.is_exercise and incident.drill == drill
    assert incident.number in login(users["jiuxian"]).get(reverse("plans:drill", args=[drill.pk])).content.decode()
    from anying.incidents import services

    services.submit(users["jiuxian"], incident.pk, "first", "written", "演练首报")
    assert not incident.flags.exists()  # late, but an exercise
