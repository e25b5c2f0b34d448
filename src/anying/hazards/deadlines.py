"""Deadline rules of 总局令15号 第十七条 (src/anying/standards/data/xzcf_deadlines.csv): extension
requests at least 10 days before the deadline, answered within 5 days; review within 10 days of
the request for review. Days are calendar days between dates in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anying.core import audit, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent

from . import rollups
from .models import ExtensionRequest, Hazard

EXTENSION_NOTICE_DAYS = 10  # request no later than 10 days before the deadline
EXTENSION_ANSWER_DAYS = 5  # the department answers within 5 days
REVIEW_DAYS = 10  # review within 10 days of the request for review


def review_due(submitted_on: dt.date) -> dt.date:
    return submitted_on + dt.timedelta(days=REVIEW_DAYS)


def locked(actor, hazard_id: int) -> tuple[Hazard, set[str]]:
    """The hazard, row-locked through the actor's scope, and the parties the actor is for it."""
    from .workflow import LIFECYCLE

    hazard = workflow.lock(LIFECYCLE, actor, hazard_id)
    return hazard, LIFECYCLE.party_set(actor, hazard)


@transaction.atomic
def request_extension(actor, hazard_id: int, new_deadline: dt.date, reason: str, today: dt.date | None = None):
    today = today or timezone.localdate()
    hazard, parties = locked(actor, hazard_id)
    if "enterprise" not in parties:
        raise PermissionDenied("延期申请由企业提出")
    if hazard.status != Hazard.Status.RECTIFYING or hazard.deadline is None:
        raise ValidationError("只有整改中且已定整改期限的隐患可以申请延期")
    if hazard.extensions.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise ValidationError("已有待答复的延期申请")
    errors = {}
    latest = hazard.deadline - dt.timedelta(days=EXTENSION_NOTICE_DAYS)
    if today > latest:
        errors["new_deadline"] = (f"延期须在整改期限前 {EXTENSION_NOTICE_DAYS} 日提出（本隐患最晚 {latest:%Y-%m-%d}），"
                                  "已逾期限，不能申请")
    elif new_deadline <= hazard.deadline:
        errors["new_deadline"] = "申请延至的日期须晚于原整改期限"
    if not (reason or "").strip():
        errors["reason"] = "请写明延期理由"
    if errors:
        raise ValidationError(errors)
    extension = ExtensionRequest.objects.create(
        hazard=hazard, requested_by=actor, requested_on=today, current_deadline=hazard.deadline,
        new_deadline=new_deadline, reason=reason.strip(), answer_due=today + dt.timedelta(days=EXTENSION_ANSWER_DAYS))
    workflow.record_event(hazard, "extension_request", actor=actor, previous=hazard.status, state=hazard.status,
                          comment=f"申请延期至 {new_deadline:%Y-%m-%d}：{reason}")
    audit.record(actor, AuditEvent.Action.CREATE, hazard, summary=f"申请延期至 {new_deadline:%Y-%m-%d}")
    return extension


@transaction.atomic
def answer_extension(actor, extension_id: int, approve: bool, answer: str, today: dt.date | None = None):
    today = today or timezone.localdate()
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension_id)
    hazard, parties = locked(actor, extension.hazard_id)
    if "inspector" not in parties:
        raise PermissionDenied("延期申请由监管部门答复")
    if extension.status != ExtensionRequest.Status.PENDING:
        raise ValidationError("该申请已答复")
    if not approve and not (answer or "").strip():
        raise ValidationError({"answer": "不同意延期须写明理由"})
    extension.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
    extension.answered_by, extension.answered_on, extension.answer = actor, today, (answer or "").strip()
    extension.save()
    before = {"deadline": str(hazard.deadline)}
    if approve:
        counted = rollups.track(hazard)
        hazard.deadline = extension.new_deadline
        hazard.version += 1
        hazard.save(update_fields=["deadline", "version"])
        rollups.settle(counted, hazard)
    workflow.record_event(hazard, "extension_answer", actor=actor, previous=hazard.status, state=hazard.status,
                          comment=f"{extension.get_status_display()}延期：{extension.answer}".rstrip("："))
    audit.record(actor, AuditEvent.Action.STATE, hazard, summary=f"答复延期申请：{extension.get_status_display()}",
                 before=before, after={"deadline": str(hazard.deadline)})
    return extension
