"""督办 of major hazards: the supervision record with its 文号, the letter (.docx) and the weekly
progress reports; a supervised hazard whose last report is more than 7 days old is flagged."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anying.core import audit, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.numbering import next_number, prefix_for
from anying.core.officialdoc import OfficialDocument

from .deadlines import locked
from .models import Hazard, ProgressReport, Supervision

REPORT_EVERY_DAYS = 7
SUPERVISION = "supervision"  # the document kind of 督办通知书 (core.numbering)


@transaction.atomic
def supervise(actor, hazard_id: int, *, level: str, requirements: str, due: dt.date, today: dt.date | None = None):
    today = today or timezone.localdate()
    hazard, parties = locked(actor, hazard_id)
    if "inspector" not in parties:
        raise PermissionDenied("督办由监管部门发起")
    if hazard.level != Hazard.Level.MAJOR or hazard.status == Hazard.Status.CLOSED:
        raise ValidationError("只有未销号的重大事故隐患可以督办")
    if hasattr(hazard, "supervision"):
        raise ValidationError(f"该隐患已督办（{hazard.supervision.document_no}）")
    errors = {}
    if level not in Supervision.Level.values:
        errors["level"] = "督办级别无效"
    if not (requirements or "").strip():
        errors["requirements"] = "请填写督办要求"
    if not due or due < today:
        errors["due"] = "办结期限不能早于今天"
    if errors:
        raise ValidationError(errors)
    supervision = Supervision.objects.create(
        hazard=hazard, level=level, unit=actor.unit, requirements=requirements.strip(), due=due, issued_on=today,
        document_no=next_number(prefix_for(getattr(actor, "unit", None), SUPERVISION, settings.ANYING_SUPERVISION_PREFIX),
                                today.year), created_by=actor)
    workflow.record_event(hazard, "supervise", actor=actor, previous=hazard.status, state=hazard.status,
                          comment=f"{supervision.get_level_display()} {supervision.document_no}")
    audit.record(actor, AuditEvent.Action.CREATE, hazard, summary=f"督办 {supervision.document_no}")
    return supervision


@transaction.atomic
def report_progress(actor, hazard_id: int, content: str, today: dt.date | None = None) -> ProgressReport:
    hazard, parties = locked(actor, hazard_id)
    if not parties & {"enterprise", "inspector"}:
        raise PermissionDenied()
    if not hasattr(hazard, "supervision") or hazard.status == Hazard.Status.CLOSED:
        raise ValidationError("只有督办中的重大事故隐患需要报告治理进展")
    if not (content or "").strip():
        raise ValidationError({"content": "请填写本周治理进展"})
    report = ProgressReport.objects.create(hazard=hazard, reported_on=today or timezone.localdate(),
                                           content=content.strip(), reported_by=actor)
    workflow.record_event(hazard, "progress", actor=actor, previous=hazard.status, state=hazard.status,
                          comment=report.content)
    return report


def report_overdue(hazard: Hazard, today: dt.date | None = None) -> bool:
    """A supervised, open major hazard whose last weekly report (or the 督办 itself) is older than 7 days."""
    today = today or timezone.localdate()
    supervision = getattr(hazard, "supervision", None)
    if supervision is None or hazard.status == Hazard.Status.CLOSED:
        return False
    last = hazard.progress_reports.values_list("reported_on", flat=True).first() or supervision.issued_on
    return (today - last).days > REPORT_EVERY_DAYS


def letter(supervision: Supervision) -> bytes:
    """重大事故隐患督办通知书 as .docx: 文号, title, addressee, body, sign-off."""
    hazard = supervision.hazard
    criterion = hazard.criterion
    basis = f"依据{criterion.criteria_set.name}（{criterion.criteria_set.document}）{criterion.reference}，" if criterion else ""
    return OfficialDocument(
        title="重大事故隐患督办通知书", number=supervision.document_no, addressee=hazard.enterprise.name,
        paragraphs=[f"{hazard.found_on:%Y年%m月%d日}，经{hazard.get_channel_display()}发现你单位{hazard.place}存在以下问题："
                    f"{hazard.description}。{basis}该问题判定为重大事故隐患。",
                    f"现对该隐患实施{supervision.get_level_display()}，要求如下：{supervision.requirements}",
                    f"请你单位于{supervision.due:%Y年%m月%d日}前完成治理，治理期间每周报告一次治理进展，"
                    "完成后提出销号申请，经审核同意后方可销号。"],
        unit=supervision.unit.name, date=supervision.issued_on).render()
