"""年度执法计划 approval and 整改复查 on the shared workflow engine: the table decides who may
take a step, and each step leaves a timeline entry, an audit record and notifications."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from anying.core import workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Notification, Organisation
from anying.core.roles import Role
from anying.core.services import create_user
from anying.hazards.models import Hazard
from anying.inspections import documents, plans, records
from anying.inspections.models import EnforcementDocument, InspectionPlan
from anying.inspections.records import Finding
from tests.conftest import PASSWORD
from tests.inspections.test_records import answer, kwargs

YEAR = 2026


@pytest.fixture
def plan(make_enterprise, users):
    make_enterprise("甲", "旧县街道", "机械")
    return plans.generate(users["yingji"], Organisation.objects.get(name="区应急局"), YEAR)


def test_approving_a_plan_goes_through_the_table(plan, users):
    leader = users["leader"]
    assert [t.name for t in plans.LIFECYCLE.available(leader, plan)] == ["approve"]
    assert plans.LIFECYCLE.available(users["yingji"], plan) == []  # drafting is not approving
    plans.approve(leader, plan.pk)
    plan.refresh_from_db()
    assert plan.status == InspectionPlan.Status.APPROVED and plan.approved_by == leader and plan.approved_at
    [entry] = workflow.timeline(plan)
    assert (entry.action, entry.from_state, entry.to_state, entry.actor) == ("approve", "draft", "approved", leader)
    audit = AuditEvent.objects.get(action=AuditEvent.Action.STATE, object_id=str(plan.pk), summary="批准")
    assert audit.before["status"] == "编制中" and audit.after["status"] == "已批准"
    # the plan's unit hears of it (its drafter and the rest of 区应急局), the approver does not
    told = set(Notification.objects.filter(title__contains="批准").values_list("user__username", flat=True))
    assert "yingji" in told and "leader" not in told
    with pytest.raises(ValidationError, match="已批准"):
        plans.approve(leader, plan.pk)  # twice: the state no longer allows it
    assert workflow.timeline(plan).count() == 1


def test_approval_is_refused_without_the_right_or_out_of_scope(plan, users):
    with pytest.raises(PermissionDenied):
        plans.approve(users["yingji"], plan.pk)
    town_leader = create_user(None, username="zhenlingdao", password=PASSWORD, role=Role.LEADER,
                              unit=Organisation.objects.get(name="虎峰镇应急办"))
    with pytest.raises(InspectionPlan.DoesNotExist):
        plans.approve(town_leader, plan.pk)  # a district unit's plan is not a town's business
    plan.refresh_from_db()
    assert plan.status == InspectionPlan.Status.DRAFT and not workflow.timeline(plan).exists()


def test_a_plan_without_items_is_not_approved(users, bureau_plan_empty):
    with pytest.raises(ValidationError, match="没有检查对象"):
        plans.approve(users["leader"], bureau_plan_empty.pk)
    bureau_plan_empty.refresh_from_db()
    assert bureau_plan_empty.status == InspectionPlan.Status.DRAFT


@pytest.fixture
def bureau_plan_empty(users):
    return plans.generate(users["yingji"], Organisation.objects.get(name="区应急局"), YEAR)


def _inspected(setup, users):
    items = list(setup["template"].items.all())
    return records.record(users["yingji"], setup["ent"], **kwargs(setup, results=answer(setup["template"], {
        items[0].pk: Finding("fail", "未设泄爆", "除尘房")})))


def test_recording_an_inspection_starts_its_timeline(setup, users):
    inspection = _inspected(setup, users)
    [entry] = workflow.timeline(inspection)
    assert (entry.action, entry.to_state, entry.actor) == ("record", "open", users["yingji"])
    assert documents.LIFECYCLE.label_of("record") == "记录现场检查"


def test_a_review_goes_through_the_table_and_tells_the_enterprise(setup, users, login):
    inspection = _inspected(setup, users)
    again_by = timezone.localdate() + dt.timedelta(days=7)
    with pytest.raises(PermissionDenied):
        documents.issue_review(users["jiuxian"], inspection.pk, again_by=again_by)  # not the inspecting unit
    with pytest.raises(ValidationError, match="整改期限"):
        documents.issue_review(users["yingji"], inspection.pk, again_by=None)
    assert not EnforcementDocument.objects.filter(kind=EnforcementDocument.Kind.REVIEW_OPINION).exists()
    assert [e.action for e in workflow.timeline(inspection)] == ["record"]

    review = documents.issue_review(users["yingji"], inspection.pk, again_by=again_by)
    assert review.kind == EnforcementDocument.Kind.REVIEW_OPINION and review.inspection == inspection
    entry = workflow.timeline(inspection).get(action="review")
    assert (entry.from_state, entry.to_state) == ("open", "open") and "1 项未整改合格" in entry.comment
    assert AuditEvent.objects.filter(action=AuditEvent.Action.STATE, object_id=str(inspection.pk),
                                     summary=f"出具{review}").exists()
    note = Notification.objects.get(user=setup["ent"].user)
    assert "复查" in note.title and note.url == reverse("inspection_detail", args=[inspection.pk])

    # once the finding is closed the inspection is cleared, and a review may still be issued
    Hazard.objects.filter(inspection_result__inspection=inspection).update(status=Hazard.Status.CLOSED)
    records.refresh_status(inspection)
    client = login(users["yingji"])
    client.post(reverse("inspection_review", args=[inspection.pk]), {"again_by": ""})
    assert [e.action for e in workflow.timeline(inspection)] == ["record", "review", "review"]
    assert workflow.timeline(inspection).last().comment == "全部整改合格"
    body = client.get(reverse("inspection_detail", args=[inspection.pk])).content.decode()
    assert "办理过程" in body and "记录现场检查" in body and "全部整改合格" in body
    body = login(setup["ent"].user).get(reverse("inspection_detail", args=[inspection.pk])).content.decode()
    assert "复查" in body and "出具整改复查意见书" not in body  # the enterprise reads, only the unit reviews
