"""The hazard lifecycle (PRODUCT.md §4.1) as one table for core.workflow: which transitions
exist, from which states, who may take each, what each needs and who is told. docs/lifecycles.md
shows the same table, rendered from this one."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from anying.core import audit, recipients, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import is_enterprise_user
from anying.core.workflow import Lifecycle, Transition

from . import authority, rollups
from .models import Hazard, RectificationPlan
from .supervision import apply_progress, apply_supervise

S = Hazard.Status
OPEN = (S.REGISTERED, S.RECTIFYING, S.SUBMITTED)  # every state but 已销号

# Who may act, as parties rather than roles: the rule depends on the hazard too.
ENTERPRISE = "enterprise"  # the safety manager of the hazard's own enterprise
INSPECTOR = "inspector"  # a government inspector or district admin whose scope covers the hazard
SELF_REVIEW = "self_review"  # the enterprise itself, for a general hazard it found itself (自查自改)
# an inspector who may decide the review (close, send back): for a hazard under 督办 only the
# supervising unit or a unit above it (authority.may_review)
REVIEWER = "reviewer"
SUPERVISOR = "supervisor"  # an inspector whose unit may issue 督办: district level or above (authority.py)

RECTIFICATION = ("responsible_person", "measures", "funds", "deadline")


def _rectify(step) -> None:
    """开始整改 records who answers for it, how and by when; a major hazard also needs the six
    elements of the plan of 总局令16号 第十五条."""
    hazard, errors = step.record, {}
    for key in RECTIFICATION:
        if step.data.get(key) not in (None, ""):
            setattr(hazard, key, step.data[key])
    for key, label in (("responsible_person", "整改责任人"), ("measures", "整改措施"), ("deadline", "整改期限")):
        if not getattr(hazard, key):
            errors[key] = f"开始整改须填写{label}"
    # a new deadline is never in the past; the one a hazard got at registration (by default) may
    # already have passed, and the rectification starts all the same — overdue
    if step.data.get("deadline") and hazard.deadline < timezone.localdate():
        errors["deadline"] = "整改期限不能早于今天"
    if hazard.level == Hazard.Level.MAJOR:
        plan = step.data.get("plan") or {}
        missing = [RectificationPlan._meta.get_field(f).verbose_name for f in RectificationPlan.ELEMENTS
                   if not str(plan.get(f, "")).strip()]
        if missing and not hasattr(hazard, "plan"):
            errors["plan"] = "重大事故隐患须先制定治理方案，缺少：" + "、".join(missing)
        elif not missing:
            _save_plan(step, plan)
    if errors:
        raise ValidationError(errors)


def _save_plan(step, plan: dict) -> None:
    """The six-element plan, created or replaced, audited with what it said before and after."""
    existing = RectificationPlan.objects.filter(hazard=step.record).first()
    before = audit.snapshot(existing, RectificationPlan.ELEMENTS) if existing else None
    saved, created = RectificationPlan.objects.update_or_create(
        hazard=step.record, defaults={f: plan[f] for f in RectificationPlan.ELEMENTS})
    audit.record(step.actor, AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE, saved,
                 summary="重大事故隐患治理方案", before=before, after=audit.snapshot(saved, RectificationPlan.ELEMENTS),
                 place=step.record)


def _submitted(step) -> None:
    from .deadlines import review_due

    step.record.review_due = review_due(timezone.localdate())


def _closed(step) -> None:
    step.record.closed_on = timezone.localdate()


_TABLE = [
    Transition("start", "开始整改", (S.REGISTERED,), S.RECTIFYING, frozenset({ENTERPRISE, INSPECTOR}),
               stamp=("rectified_by",), apply=_rectify, notify=("enterprise", "supervisors")),
    Transition("submit", "提交复查", (S.RECTIFYING,), S.SUBMITTED, frozenset({ENTERPRISE, INSPECTOR}),
               needs_evidence="提交复查须附整改后的照片或材料", needs_comment="请填写说明",
               stamp=("submitted_by",), apply=_submitted, notify=("reviewers",)),
    Transition("send_back", "退回整改", (S.SUBMITTED,), S.RECTIFYING, frozenset({REVIEWER, SELF_REVIEW}),
               needs_comment="退回须写明原因", separated=("rectified_by", "submitted_by"), notify=("enterprise",)),
    Transition("close", "审核销号", (S.SUBMITTED,), S.CLOSED, frozenset({REVIEWER, SELF_REVIEW}),
               separated=("rectified_by", "submitted_by"), stamp=("closed_by",), apply=_closed,
               notify=("enterprise", "supervisors")),
    # Reports: the state stays. 督办 is for open major hazards (apply checks the level and that
    # none exists yet); a supervised hazard then reports its progress every week (supervision.py).
    Transition("supervise", "督办", OPEN, None, frozenset({SUPERVISOR}), apply=apply_supervise,
               notify=("enterprise", "town")),
    Transition("progress", "报告治理进展", OPEN, None, frozenset({ENTERPRISE, INSPECTOR}),
               needs_comment="请填写本周治理进展", apply=apply_progress),
]


def parties_of(user, hazard: Hazard) -> set[str]:
    """Which parties `user` is for a hazard already known to be in their scope."""
    parties = set()
    if is_enterprise_user(user):
        if user.unit_id == hazard.organisation_id and user.has_perm_code("hazards.act"):
            parties.add(ENTERPRISE)
            if hazard.level == Hazard.Level.GENERAL and hazard.channel == Hazard.Channel.SELF:
                parties.add(SELF_REVIEW)
    elif user.has_perm_code("hazards.supervise"):
        parties.add(INSPECTOR)
        if authority.may_review(user, hazard):
            parties.add(REVIEWER)
        if authority.supervision_levels(user):
            parties.add(SUPERVISOR)
    return parties


def _enterprise(hazard: Hazard):
    return recipients.members([hazard.organisation_id])


def _town(hazard: Hazard):
    return recipients.town(hazard.region_id)


def _supervisors(hazard: Hazard):
    return recipients.supervisors(hazard.region_id, hazard.industry_id, "hazards.supervise")


def _reviewers(hazard: Hazard):
    """Who reviews a submission: the enterprise itself for a hazard it may close (自查自改), the
    unit that put it under 督办, otherwise the units that supervise it."""
    if hazard.level == Hazard.Level.GENERAL and hazard.channel == Hazard.Channel.SELF:
        return _enterprise(hazard)
    supervision = authority.supervision_of(hazard)
    if supervision is not None:  # under 督办 only the supervising unit (or above it) reviews
        return recipients.members([supervision.unit_id], "hazards.supervise")
    return _supervisors(hazard)


def _track(step) -> None:
    step.scratch["counted"] = rollups.track(step.record)  # before the rectification fields change


def _settle(step) -> None:
    rollups.settle(step.scratch["counted"], step.record)


AFTER_TRANSITION: list = []  # upper apps react here (an inspection clears when its last finding closes)

LIFECYCLE = workflow.register(Lifecycle(
    model=Hazard, label="隐患", transitions=_TABLE, parties=parties_of,
    recipients={"enterprise": _enterprise, "town": _town, "supervisors": _supervisors, "reviewers": _reviewers},
    audited=["enterprise", "place", "description", "category", "accident_type", "level", "criterion", "channel",
             "found_by", "found_on", "responsible_person", "measures", "funds", "deadline", "status"],
    events={"register": "登记隐患", "extension_request": "申请延期", "extension_answer": "答复延期",
            "extension": "答复延期", "escalate": "逾期升级"},
    before=[_track], after=[_settle, lambda step: [h(step.record) for h in AFTER_TRANSITION]],
    describe=lambda h: f"{h.enterprise.name} {h.place}",
    summary=lambda h: f"整改期限 {h.deadline:%Y-%m-%d}" if h.deadline else "", url=lambda h: reverse("hazard_detail", args=[h.pk])))

TRANSITIONS = LIFECYCLE.table
AUDITED = LIFECYCLE.audited


def available(user, hazard: Hazard) -> list[Transition]:
    return LIFECYCLE.available(user, hazard)


def run(actor, hazard_id: int, name: str, **kwargs) -> Hazard:
    """workflow.run on a hazard; a refusal that the 督办 rules explain says why (authority.refusal)."""
    try:
        return workflow.run(LIFECYCLE, actor, hazard_id, name, **kwargs)
    except PermissionDenied:
        hazard = LIFECYCLE.queryset(actor).filter(pk=hazard_id).first()
        reason = authority.refusal(actor, hazard, name) if hazard is not None else ""
        if reason:
            raise PermissionDenied(reason) from None
        raise
