"""Every write to hazards: registration and transitions, each checked against the workflow
table, locked, audited and recorded on the hazard's timeline in one transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anying.core import audit
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM
from anying.core.roles import Role
from anying.registry.models import Enterprise

from . import rollups
from .deadlines import review_due
from .models import Hazard, HazardEvent, RectificationPlan
from .workflow import INSPECTOR_ROLES, TRANSITIONS, parties_of

# Upper apps react to a hazard's transitions here (an inspection clears when its last finding
# closes) without the register knowing them; handlers run inside the transition's transaction.
AFTER_TRANSITION: list = []

AUDITED = ["enterprise", "place", "description", "category", "accident_type", "level", "criterion", "channel",
           "found_by", "found_on", "responsible_person", "measures", "funds", "deadline", "status"]


@transaction.atomic
def register(actor, data: dict) -> Hazard:
    """Register a hazard found by any channel. An enterprise registers its own (企业自查);
    inspectors register hazards of enterprises in their scope, from any other channel."""
    enterprise: Enterprise = data["enterprise"]
    if actor is not SYSTEM:
        if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
            raise PermissionDenied()
        if actor.role == Role.ENTERPRISE_USER:
            if data.get("channel", Hazard.Channel.SELF) != Hazard.Channel.SELF:
                raise ValidationError({"channel": "企业只能登记自查发现的隐患"})
            data = {**data, "channel": Hazard.Channel.SELF}
        elif actor.role not in INSPECTOR_ROLES:
            raise PermissionDenied()
    hazard = Hazard(**data, region_id=enterprise.region_id, industry_id=enterprise.industry_id,
                    organisation_id=enterprise.organisation_id, created_by=actor)
    _validate(hazard)
    hazard.save()
    rollups.settle(rollups.track(None), hazard)
    HazardEvent.objects.create(hazard=hazard, transition="register", to_status=hazard.status, actor=actor)
    audit.record(actor, AuditEvent.Action.CREATE, hazard, after=audit.snapshot(hazard, AUDITED))
    return hazard


def _validate(hazard: Hazard) -> None:
    errors = {}
    if hazard.level == Hazard.Level.MAJOR and hazard.criterion_id is None:
        errors["criterion"] = "重大事故隐患须选择所依据的判定标准条目"
    if hazard.found_on and hazard.found_on > timezone.localdate():
        errors["found_on"] = "发现日期不能晚于今天"
    try:
        hazard.full_clean(exclude=["region", "industry", "organisation"])
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, "；".join(messages))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def transition(actor, hazard_id: int, name: str, *, comment: str = "", evidence: int = 0, changes: dict | None = None,
               plan: dict | None = None) -> Hazard:
    """Take transition `name`. The hazard row is locked, so of two people acting at once exactly
    one succeeds; the other is told what happened instead (the state no longer allows it).

    `evidence` is the number of evidence files the caller attached in this transaction;
    `changes` are the rectification fields (responsible person, measures, funds, deadline)."""
    if name not in TRANSITIONS:
        raise ValidationError({"transition": f"未知操作：{name}"})
    spec = TRANSITIONS[name]
    hazard = Hazard.objects.select_for_update().get(pk=hazard_id)
    counted = rollups.track(hazard)  # before _check_requirements writes the rectification fields
    can_see = Hazard.objects.visible_to(actor).filter(pk=hazard.pk).exists()
    if not can_see:
        raise Hazard.DoesNotExist
    if not parties_of(actor, hazard, can_see) & spec.parties:
        raise PermissionDenied(f"您无权对该隐患执行“{spec.label}”")
    if hazard.status not in spec.sources:
        raise ValidationError(f"该隐患当前状态为“{hazard.get_status_display()}”，不能{spec.label}（可能已被他人处理，请刷新）。")
    if spec.separated and actor.pk in (hazard.rectified_by_id, hazard.submitted_by_id):
        raise PermissionDenied("整改或提交复查的人不能审核同一隐患（职责分离）")
    before = audit.snapshot(hazard, AUDITED)
    _check_requirements(spec, hazard, comment=comment, evidence=evidence, changes=changes or {}, plan=plan)
    previous = hazard.status
    hazard.status = spec.target
    if name == "start":
        hazard.rectified_by = actor
    elif name == "submit":
        hazard.submitted_by = actor
        hazard.review_due = review_due(timezone.localdate())
    elif name == "close":
        hazard.closed_by, hazard.closed_on = actor, timezone.localdate()
    hazard.version += 1
    hazard.save()
    rollups.settle(counted, hazard)
    HazardEvent.objects.create(hazard=hazard, transition=name, from_status=previous, to_status=hazard.status,
                               actor=actor, comment=comment)
    audit.record(actor, AuditEvent.Action.STATE, hazard, summary=spec.label, before=before,
                 after=audit.snapshot(hazard, AUDITED))
    for handler in AFTER_TRANSITION:
        handler(hazard)
    return hazard


def _check_requirements(spec, hazard: Hazard, *, comment: str, evidence: int, changes: dict, plan: dict | None) -> None:
    errors = {}
    if spec.needs_comment and not comment.strip():
        errors["comment"] = "请填写说明" if spec.name != "send_back" else "退回须写明原因"
    if spec.needs_evidence and evidence < 1:
        errors["evidence"] = "提交复查须附整改后的照片或材料"
    if spec.needs_rectification:
        for key, value in changes.items():
            if key in ("responsible_person", "measures", "funds", "deadline"):
                setattr(hazard, key, value)
        for key, label in (("responsible_person", "整改责任人"), ("measures", "整改措施"), ("deadline", "整改期限")):
            if not getattr(hazard, key):
                errors[key] = f"开始整改须填写{label}"
        if hazard.deadline and hazard.deadline < timezone.localdate():
            errors["deadline"] = "整改期限不能早于今天"
    if spec.needs_plan_if_major and hazard.level == Hazard.Level.MAJOR:
        plan = plan or {}
        missing = [RectificationPlan._meta.get_field(f).verbose_name for f in RectificationPlan.ELEMENTS
                   if not str(plan.get(f, "")).strip()]
        if missing and not hasattr(hazard, "plan"):
            errors["plan"] = "重大事故隐患须先制定治理方案，缺少：" + "、".join(missing)
        elif not missing:
            RectificationPlan.objects.update_or_create(hazard=hazard, defaults={f: plan[f] for f in RectificationPlan.ELEMENTS})
    if errors:
        raise ValidationError(errors)

