"""督办 of major hazards: the supervision record with its 文号, the letter (.docx) and the weekly
progress reports; a supervised hazard whose last report is more than 7 days old is flagged."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anying.core import audit
from anying.core.models import AuditEvent
from anying.core.numbering import next_number, prefix_for

from . import authority
from .models import Hazard, ProgressReport, Supervision

REPORT_EVERY_DAYS = 7
SUPERVISION = "supervision"  # the document kind of 督办通知书 (core.numbering)
WORD = "督"  # after the issuer's 发文机关代字: 铜安委办督〔2026〕1号


def default_prefix() -> str:
    """The 字样 of a 安委办 without a 代字 of its own: the district's, never a bare 安委办督."""
    return settings.ANYING_SUPERVISION_PREFIX or f"{settings.ANYING_ENFORCEMENT_ORG}安委办督"


def apply_supervise(step) -> None:
    """督办 (the hazard lifecycle's `supervise`): the record with its 文号; the hazard's state stays.
    The automatic rung of the overdue ladder (escalation._supervise) creates these in bulk instead."""
    hazard, data = step.record, step.data
    today = data.get("today") or timezone.localdate()
    if hazard.level != Hazard.Level.MAJOR:
        raise ValidationError("只有未销号的重大事故隐患可以督办")
    if hasattr(hazard, "supervision"):
        raise ValidationError(f"该隐患已督办（{hazard.supervision.document_no}）")
    level, requirements, due = data.get("level"), (data.get("requirements") or "").strip(), data.get("due")
    errors = {}
    if level not in Supervision.Level.values:
        errors["level"] = "督办级别无效"
    elif level not in dict(authority.supervision_levels(step.actor)):
        unit = getattr(step.actor, "unit", None)
        errors["level"] = f"{unit.name if unit else '本单位'}不能发起{Supervision.Level(level).label}，" \
                          "督办级别不能高于本单位的层级"
    if not requirements:
        errors["requirements"] = "请填写督办要求"
    if not due or due < today:
        errors["due"] = "办结期限不能早于今天"
    if errors:
        raise ValidationError(errors)
    unit = getattr(step.actor, "unit", None)
    supervision = Supervision.objects.create(
        hazard=hazard, level=level, unit=unit, requirements=requirements, due=due, issued_on=today,
        document_no=next_number(prefix_for(unit, SUPERVISION, WORD, default_prefix()), today.year),
        created_by=step.actor)
    step.comment = f"{supervision.get_level_display()} {supervision.document_no}"
    step.summary = f"督办 {supervision.document_no}"
    audit.record(step.actor, AuditEvent.Action.CREATE, supervision, summary=step.summary,
                 after=audit.snapshot(supervision), place=hazard)


def apply_progress(step) -> None:
    """报告治理进展 (the lifecycle's `progress`): the week's report, its text the step's comment."""
    if not hasattr(step.record, "supervision"):
        raise ValidationError("只有督办中的重大事故隐患需要报告治理进展")
    report = ProgressReport.objects.create(hazard=step.record, content=step.comment, reported_by=step.actor,
                                           reported_on=step.data.get("today") or timezone.localdate())
    audit.record(step.actor, AuditEvent.Action.CREATE, report, summary=f"报告治理进展 {report.reported_on:%Y-%m-%d}",
                 after=audit.snapshot(report), place=step.record)


@transaction.atomic  # the read-back below runs under the hazard's row lock, taken by workflow.run
def supervise(actor, hazard_id: int, *, level: str, requirements: str, due: dt.date, today: dt.date | None = None,
              version: int | None = None) -> Supervision:
    """督办 through the hazard lifecycle (scope lock, version, timeline, audit, notices)."""
    from .workflow import run

    hazard = run(actor, hazard_id, "supervise", version=version,
                          data={"level": level, "requirements": requirements, "due": due, "today": today})
    return hazard.supervision  # cached on the hazard by the create in apply_supervise


@transaction.atomic
def report_progress(actor, hazard_id: int, content: str, today: dt.date | None = None,
                    version: int | None = None) -> ProgressReport:
    from .workflow import run

    hazard = run(actor, hazard_id, "progress", comment=content, version=version,
                          data={"today": today})
    return hazard.progress_reports.filter(reported_by=actor).order_by("-id").first()


def report_overdue(hazard: Hazard, today: dt.date | None = None) -> bool:
    """A supervised, open major hazard whose last weekly report (or the 督办 itself) is older than 7 days."""
    today = today or timezone.localdate()
    supervision = getattr(hazard, "supervision", None)
    if supervision is None or hazard.status == Hazard.Status.CLOSED:
        return False
    last = hazard.progress_reports.values_list("reported_on", flat=True).first() or supervision.issued_on
    return (today - last).days > REPORT_EVERY_DAYS


def letter(supervision: Supervision) -> bytes:
    """重大事故隐患督办通知书 as .docx, in the supervising unit's wording (hazards/wordings.py)."""
    from anying.core import wording

    from .wordings import SUPERVISION, hazard_context

    hazard = supervision.hazard
    criterion = hazard.criterion
    unit = supervision.unit
    return wording.render(SUPERVISION, {
        **hazard_context(hazard, number=supervision.document_no, unit=unit.issuer_name if unit else "",
                         on=supervision.issued_on),
        "criterion": f"{criterion.criteria_set.name}（{criterion.criteria_set.document}）{criterion.reference}" if criterion else "",
        "level": supervision.get_level_display(), "requirements": supervision.requirements,
        "due": f"{supervision.due:%Y年%m月%d日}"}, unit)
