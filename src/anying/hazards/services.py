"""Every write to hazards: registration and transitions, each checked against the workflow
table, locked, audited and recorded on the hazard's timeline in one transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anying.campaigns import services as campaign_services
from anying.core import audit, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM, is_enterprise_user
from anying.registry.models import Enterprise

from . import rollups
from .criteria import applies
from .deadlines import default_deadline
from .models import Hazard
from .workflow import AFTER_TRANSITION, AUDITED, run

__all__ = ["AFTER_TRANSITION", "register", "transition"]


@transaction.atomic
def register(actor, data: dict) -> Hazard:
    """Register a hazard found by any channel. An enterprise registers its own (企业自查);
    inspectors register hazards of enterprises in their scope, from any other channel."""
    enterprise: Enterprise = data["enterprise"]
    if actor is not SYSTEM:
        if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
            raise PermissionDenied()
        if is_enterprise_user(actor) and actor.has_perm_code("hazards.act"):
            if data.get("channel", Hazard.Channel.SELF) != Hazard.Channel.SELF:
                raise ValidationError({"channel": "企业只能登记自查发现的隐患"})
            data = {**data, "channel": Hazard.Channel.SELF}
        elif not actor.has_perm_code("hazards.supervise"):
            raise PermissionDenied()
    campaign_services.check_tag(actor, data.get("campaign"), enterprise, data.get("found_on"))
    hazard = Hazard(**data, region_id=enterprise.region_id, industry_id=enterprise.industry_id,
                    organisation_id=enterprise.organisation_id, created_by=actor)
    if hazard.deadline is None and hazard.found_on:
        # every hazard has a deadline, so none escapes the overdue ladder (the level's default)
        hazard.deadline = default_deadline(hazard.level, hazard.found_on)
    _validate(hazard)
    hazard.save()
    rollups.settle(rollups.track(None), hazard)
    workflow.record_event(hazard, "register", actor=actor, state=hazard.status)
    audit.record(actor, AuditEvent.Action.CREATE, hazard, after=audit.snapshot(hazard, AUDITED))
    return hazard


# A description is a finding, not a document; the bound also keeps the search index's pairs of
# one row far below PostgreSQL's 1 MB tsvector limit (a pasted book would fail to save).
DESCRIPTION_MAX = 5_000


def _validate(hazard: Hazard) -> None:
    errors = {}
    if len(hazard.description or "") > DESCRIPTION_MAX:
        errors["description"] = f"隐患描述不能超过 {DESCRIPTION_MAX} 字，请精简后再提交（可将详细材料作为附件上传）"
    if hazard.level == Hazard.Level.MAJOR and hazard.criterion_id is None:
        errors["criterion"] = "重大事故隐患须选择所依据的判定标准条目"
    elif hazard.criterion_id is not None and not applies(hazard.criterion_id, hazard.enterprise):
        errors["criterion"] = (f"所选判定标准条目不适用于该企业的行业（{hazard.enterprise.industry.name}），"
                               "请选择适用于本行业的判定标准")
    if hazard.found_on and hazard.found_on > timezone.localdate():
        errors["found_on"] = "发现日期不能晚于今天"
    try:
        hazard.full_clean(exclude=["region", "industry", "organisation"])
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, "；".join(messages))
    if errors:
        raise ValidationError(errors)


def transition(actor, hazard_id: int, name: str, *, comment: str = "", files=(), evidence_ids=(),
               changes: dict | None = None, plan: dict | None = None, version: int | None = None) -> Hazard:
    """Take transition `name` through core.workflow (lock, checks, timeline, audit, notices).
    `files` are the evidence uploads of this step; `evidence_ids` files the actor uploaded to the
    hazard earlier in this round; `changes` the rectification fields (responsible person,
    measures, funds, deadline); `version` the version the client saw (409 when stale)."""
    return run(actor, hazard_id, name, comment=comment, files=files, evidence_ids=evidence_ids,
               data={**(changes or {}), "plan": plan}, version=version)
