"""Deadline rules of 总局令15号 第十七条 (src/anying/standards/data/xzcf_deadlines.csv): extension
requests at least 10 days before the deadline, answered within 5 days; review within 10 days of
the request for review. Days are calendar days between dates in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.workflow import Lifecycle, Transition

from . import rollups
from .models import REVIEW_DAYS, ExtensionRequest, Hazard  # noqa: F401 - REVIEW_DAYS: review within 10 days

EXTENSION_NOTICE_DAYS = 10  # request no later than 10 days before the deadline
EXTENSION_ANSWER_DAYS = 5  # the department answers within 5 days


def review_due(submitted_on: dt.date) -> dt.date:
    return submitted_on + dt.timedelta(days=REVIEW_DAYS)


def default_days(level: str) -> int:
    """The rectification period a hazard of this level gets when none is given (settings)."""
    from django.conf import settings

    return settings.ANYING_MAJOR_HAZARD_DAYS if level == Hazard.Level.MAJOR else settings.ANYING_GENERAL_HAZARD_DAYS


def default_deadline(level: str, found_on: dt.date) -> dt.date:
    return found_on + dt.timedelta(days=default_days(level))


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
    audit.record(actor, AuditEvent.Action.CREATE, extension, summary=f"申请延期至 {new_deadline:%Y-%m-%d}",
                 after=audit.snapshot(extension), place=hazard)
    workflow.tell(EXTENSION, extension, ["answerers"], "待答复", actor=actor, comment=extension.reason)
    return extension


def _answered(step) -> None:
    """同意 moves the hazard's deadline (its row locked too: transitions change it concurrently)."""
    extension, today = step.record, step.data.get("today") or timezone.localdate()
    if extension.status == ExtensionRequest.Status.APPROVED and extension.hazard.status != Hazard.Status.RECTIFYING:
        raise ValidationError(f"该隐患当前状态为“{extension.hazard.get_status_display()}”，不再需要延期：请答复不同意并写明理由")
    extension.answered_on, extension.answer = today, step.comment
    step.comment = f"{extension.get_status_display()}延期：{extension.answer}".rstrip("：")
    if extension.status != ExtensionRequest.Status.APPROVED:
        return
    hazard = Hazard.objects.select_for_update().get(pk=extension.hazard_id)
    counted = rollups.track(hazard)
    before = {"deadline": str(hazard.deadline)}
    hazard.deadline = extension.new_deadline
    hazard.version += 1
    hazard.save(update_fields=["deadline", "version"])
    rollups.settle(counted, hazard)
    audit.record(step.actor, AuditEvent.Action.STATE, hazard, summary="答复延期申请：已同意", before=before,
                 after={"deadline": str(hazard.deadline)})


def _answerer(user, extension: ExtensionRequest) -> set[str]:
    from .workflow import LIFECYCLE, REVIEWER

    # the unit that decides the review decides the deadline: for a hazard under 督办, its supervising unit
    return {"answerer"} if REVIEWER in LIFECYCLE.party_set(user, extension.hazard) else set()


def _supervisors(extension: ExtensionRequest):
    from .workflow import LIFECYCLE

    return LIFECYCLE.recipients["supervisors"](extension.hazard)


def _enterprise(extension: ExtensionRequest):
    from .workflow import LIFECYCLE

    return LIFECYCLE.recipients["enterprise"](extension.hazard)


_S = ExtensionRequest.Status
EXTENSION = workflow.register(Lifecycle(
    model=ExtensionRequest, label="整改延期申请", parties=_answerer, version_field=None, transitions=[
        Transition("approve", "同意延期", (_S.PENDING,), _S.APPROVED, frozenset({"answerer"}), stamp=("answered_by",),
                   apply=_answered, notify=("enterprise",)),
        Transition("refuse", "不同意延期", (_S.PENDING,), _S.REFUSED, frozenset({"answerer"}), stamp=("answered_by",),
                   needs_comment="不同意延期须写明理由", apply=_answered, notify=("enterprise",)),
    ],
    recipients={"answerers": _supervisors, "enterprise": _enterprise},
    audited=["new_deadline", "status", "answer"],
    scoped=lambda user: ExtensionRequest.objects.filter(hazard__in=Hazard.objects.visible_to(user)),
    timeline_of=lambda extension: extension.hazard, action_prefix="extension:",
    describe=lambda e: f"{e.hazard.enterprise.name} {e.hazard.place} 申请延至 {e.new_deadline:%Y-%m-%d}",
    summary=lambda e: f"答复期限 {e.answer_due:%Y-%m-%d}",
    url=lambda e: reverse("hazard_detail", args=[e.hazard_id])))


def answer_extension(actor, extension_id: int, approve: bool, answer: str, today: dt.date | None = None):
    try:
        return workflow.run(EXTENSION, actor, extension_id, "approve" if approve else "refuse", comment=answer,
                            data={"today": today})
    except PermissionDenied:
        raise PermissionDenied("延期申请由监管部门答复") from None
