"""Each module's work sources (core/workqueue.py): what they count, for whom (permission and
side), in which scope, and their due dates at the boundaries (the day before, the day, the day
after)."""

import datetime as dt
from decimal import Decimal

import pytest

from anying.core import workqueue
from anying.core.models import Organisation
from anying.hazards.models import ExtensionRequest, ProgressReport, Supervision
from anying.inspections.models import Inspection, InspectionPlan, Penalty, PlanItem
from anying.oversight.models import KeyTask, KeyTaskTable
from anying.registry.models import Enterprise
from anying.tips import services as tip_services
from anying.tips.models import Reward, Tip

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db


def placed(ent) -> dict:
    return {"region_id": ent.region_id, "industry_id": ent.industry_id, "organisation_id": ent.organisation_id}


def count(user, key):
    user.__dict__.pop("_work_counts", None)  # a fresh request
    return workqueue.counts(user, TODAY).get(key)


def test_every_module_registers_its_sources():
    keys = [s.key for s in workqueue.SOURCES]
    assert len(keys) == len(set(keys))
    assert {s.module for s in workqueue.SOURCES} == {"hazards", "inspections", "tips", "oversight", "registry",
                                                       "rescue", "supplies", "duty", "incidents", "plans",
                                                       "monitoring", "riskpoints", "disasters", "relief", "houses",
                                                       "stoppages", "monthly"}
    assert {"hazards.review", "hazards.extensions", "hazards.progress", "inspections.planned", "inspections.decide",
            "tips.assigned", "tips.rewards", "keytasks.due", "registry.certificates"} <= set(keys)


def test_hazards_to_review_are_the_inspectors_in_their_town(users, ents, hazard):
    mine = hazard(ents["jiuxian"], "submitted", review_due=days(3))
    hazard(ents["hufeng"], "submitted")
    hazard(ents["jiuxian"], "rectifying")
    hazard(ents["jiuxian"], "submitted", submitted_by=users["jiuxian"])  # not their own submission
    assert count(users["jiuxian"], "hazards.review") == {"n": 1, "late": 0}
    assert count(users["hufeng"], "hazards.review") == {"n": 1, "late": 0}
    assert count(users["leader"], "hazards.review") is None  # no hazards.supervise
    assert count(ents["jiuxian"].owner, "hazards.review") is None
    rows = workqueue.rows(workqueue.SOURCES[[s.key for s in workqueue.SOURCES].index("hazards.review")],
                          workqueue.filtered(next(s for s in workqueue.SOURCES if s.key == "hazards.review"),
                                             users["jiuxian"], TODAY), TODAY)
    assert [r["url"] for r in rows] == [f"/hazards/{mine.pk}/"] and rows[0]["due"] == days(3)


def test_an_enterprise_has_its_own_hazards_to_rectify(users, ents, hazard):
    hazard(ents["jiuxian"], "rectifying", deadline=days(-1))
    hazard(ents["jiuxian"], "registered", deadline=TODAY)
    hazard(ents["hufeng"], "rectifying")
    owner = ents["jiuxian"].owner
    assert count(owner, "hazards.rectify") == {"n": 2, "late": 1}  # the deadline day itself is not late
    assert count(users["jiuxian"], "hazards.rectify") is None  # the enterprise's work, not the town's


@pytest.mark.parametrize("answer_due, late", [(-1, 1), (0, 0), (1, 0)])
def test_an_extension_request_is_late_the_day_after_its_answer_date(users, ents, hazard, answer_due, late):
    h = hazard(ents["jiuxian"], "rectifying", deadline=days(30))
    ExtensionRequest.objects.create(hazard=h, requested_by=ents["jiuxian"].owner, requested_on=days(answer_due - 5),
                                    current_deadline=days(30), new_deadline=days(60), reason="设备到货延迟",
                                    answer_due=days(answer_due))
    assert count(users["jiuxian"], "hazards.extensions") == {"n": 1, "late": late}
    assert count(users["hufeng"], "hazards.extensions") == {"n": 0, "late": 0}


@pytest.mark.parametrize("issued, shown, late", [(-6, 0, 0), (-7, 1, 0), (-8, 1, 1)])
def test_a_weekly_supervision_report_is_due_seven_days_after_the_last(users, ents, hazard, issued, shown, late):
    h = hazard(ents["jiuxian"], "rectifying")
    Supervision.objects.create(hazard=h, unit=Organisation.objects.get(name="区安委办"), document_no=f"督{issued}",
                               issued_on=days(issued - 14), requirements="每周报告", due=days(60))
    ProgressReport.objects.create(hazard=h, reported_on=days(issued), content="进展", reported_by=users["jiuxian"])
    assert count(ents["jiuxian"].owner, "hazards.progress") == {"n": shown, "late": late}
    assert count(users["jiuxian"], "hazards.progress") == {"n": shown, "late": late}
    assert count(users["hufeng"], "hazards.progress") == {"n": 0, "late": 0}


def test_planned_inspections_of_this_month_until_the_unit_inspects(users, ents):
    office = users["jiuxian"].unit
    plan = InspectionPlan.objects.create(unit=office, year=TODAY.year, status=InspectionPlan.Status.APPROVED)
    ent = ents["jiuxian"]
    PlanItem.objects.create(plan=plan, enterprise=ent, region=ent.region, month=TODAY.month)
    if TODAY.month < 12:
        later = Enterprise.objects.exclude(pk=ent.pk).filter(region=ent.region).first() or ents["hufeng"]
        PlanItem.objects.create(plan=plan, enterprise=later, region=later.region, month=TODAY.month + 1)
    assert count(users["jiuxian"], "inspections.planned")["n"] == 1
    assert count(users["hufeng"], "inspections.planned")["n"] == 0  # another unit's plan
    Inspection.objects.create(enterprise=ent, unit=office, inspected_on=TODAY, **placed(ent))
    assert count(users["jiuxian"], "inspections.planned")["n"] == 0
    plan.status = InspectionPlan.Status.DRAFT
    plan.save()
    assert count(users["jiuxian"], "inspections.planned")["n"] == 0


def test_penalties_awaiting_decision_of_the_users_unit(users, ents):
    ent = ents["jiuxian"]
    common = {**placed(ent), "enterprise": ent, "unit": users["jiuxian"].unit, "party_name": ent.name, "facts": "f", "evidence": "e",
              "violated": "v", "legal_basis": "b", "amount": Decimal("1000"), "filed_on": days(-80)}
    Penalty.objects.create(**common, decide_by=days(-1))
    Penalty.objects.create(**common, decide_by=days(10), status=Penalty.Status.NOTIFIED)
    Penalty.objects.create(**common, decide_by=days(10), status=Penalty.Status.DECIDED)
    assert count(users["jiuxian"], "inspections.decide") == {"n": 2, "late": 1}
    assert count(users["yingji"], "inspections.decide") == {"n": 0, "late": 0}  # another unit's cases
    assert count(ent.owner, "inspections.decide") is None


def test_tips_to_assign_and_assigned_to_the_unit(users, ents, town):
    tip, _ = tip_services.submit(None, {"category": Tip.Category.HAZARD, "description": "楼梯间堆放几十桶油漆和稀释剂", "place": "仓库",
                                        "region": town("旧县街道"), "anonymous": True}, [], address="10.0.0.9")
    assert count(users["duty"], "tips.assign")["n"] == 1
    assert count(users["jiuxian"], "tips.assigned")["n"] == 0
    tip_services.step(users["admin"], tip.pk, "assign", unit=users["jiuxian"].unit)
    assert count(users["duty"], "tips.assign")["n"] == 0
    assert count(users["jiuxian"], "tips.assigned")["n"] == 1
    assert count(users["hufeng"], "tips.assigned")["n"] == 0
    assert count(ents["jiuxian"].owner, "tips.assigned") is None  # enterprises never see tips


def test_rewards_wait_for_someone_other_than_the_proposer(users, town):
    tip, _ = tip_services.submit(None, {"category": Tip.Category.HAZARD, "description": "楼梯间堆放几十桶油漆和稀释剂", "place": "仓库",
                                        "region": town("旧县街道"), "anonymous": True}, [], address="10.0.0.8")
    Reward.objects.create(tip=tip, basis=Reward.Basis.FINE, amount=Decimal("500"), rule={}, proposed_by=users["admin"])
    assert count(users["leader"], "tips.rewards") == {"n": 1, "late": 0}
    assert count(users["admin"], "tips.rewards") == {"n": 0, "late": 0}
    assert count(users["jiuxian"], "tips.rewards") is None  # no tips.approve_reward


@pytest.mark.parametrize("due, shown", [(30, 1), (31, 0), (-5, 1)])
def test_key_tasks_of_the_unit_due_within_30_days(users, due, shown):
    table = KeyTaskTable.objects.create(year=TODAY.year, title="责任表", unit=users["admin"].unit)
    KeyTask.objects.create(table=table, number=1, task="任务", requirements="r", unit=users["jiuxian"].unit,
                           person="p", leader="l", due=days(due))
    assert count(users["jiuxian"], "keytasks.due") == {"n": shown, "late": 1 if due < 0 else 0}
    assert count(users["hufeng"], "keytasks.due") == {"n": 0, "late": 0}


@pytest.mark.parametrize("expiry, shown", [(90, 1), (91, 0), (0, 1)])
def test_certificates_expiring_within_90_days(users, ents, expiry, shown):
    Enterprise.objects.filter(pk=ents["jiuxian"].pk).update(std_status=Enterprise.StdStatus.CERTIFIED, std_grade="3",
                                                            std_expiry_date=days(expiry))
    assert count(users["jiuxian"], "registry.certificates")["n"] == shown
    assert count(ents["jiuxian"].owner, "registry.certificates")["n"] == shown  # its own, with registry.edit_own
    assert count(users["hufeng"], "registry.certificates")["n"] == 0
    assert count(users["leader"], "registry.certificates") is None  # does not keep the register


def test_counts_are_kept_for_the_request(users, ents, hazard, django_assert_num_queries):
    hazard(ents["jiuxian"], "submitted")
    user = users["jiuxian"]
    workqueue.counts(user)
    with django_assert_num_queries(0):
        assert workqueue.module_counts(user)["hazards"] >= 1


def test_a_late_record_is_flagged_on_its_row(users, ents, hazard):
    hazard(ents["jiuxian"], "rectifying", deadline=days(-1))
    source = next(s for s in workqueue.SOURCES if s.key == "hazards.rectify")
    [row] = workqueue.rows(source, source.items(ents["jiuxian"].owner, TODAY), TODAY)
    assert row["overdue"] and row["due"] == TODAY - dt.timedelta(days=1)


def test_checks_due_this_period_until_the_round_is_recorded(users, ents):
    from anying.hazards import checklists
    from anying.hazards.models import ChecklistTemplate, SelfInspectionSchedule
    from anying.hazards.work import checks_due

    bureau = Organisation.objects.get(name="区应急局")
    template = checklists.publish(None, checklists.create(None, name="日检表", use=ChecklistTemplate.Use.DAILY, industry=None,
                                                          items_text="通道畅通", owner=bureau).pk)
    tuesday = dt.date(2026, 11, 24)
    schedule = SelfInspectionSchedule.objects.create(
        enterprise=ents["jiuxian"], name="班组日检", frequency="daily", workdays="12345", checklist=template,
        assignee="班组", starts_on=tuesday - dt.timedelta(days=30))
    owner = ents["jiuxian"].owner
    assert [(s.pk, s.work_due) for s in checks_due(owner, tuesday)] == [(schedule.pk, tuesday)]
    assert list(checks_due(owner, dt.date(2026, 11, 29))) == []  # a Sunday is not a working day
    assert list(checks_due(users["hufeng"], tuesday)) == []  # another town
    SelfInspectionSchedule.objects.filter(pk=schedule.pk).update(last_done_period=tuesday)
    assert list(checks_due(owner, tuesday)) == []
    assert [s.pk for s in checks_due(owner, tuesday + dt.timedelta(days=1))] == [schedule.pk]
    assert workqueue.SOURCES[[s.key for s in workqueue.SOURCES].index("hazards.checks")].allowed(owner)
    assert not workqueue.SOURCES[[s.key for s in workqueue.SOURCES].index("hazards.checks")].allowed(users["jiuxian"])
