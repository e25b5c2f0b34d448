"""The hazard state machine (PRODUCT.md §4.1) as one table: which transitions exist, from which
states, who may take each and what each needs. services.transition() enforces it; docs/hazards.md
shows the same table."""

from __future__ import annotations

from dataclasses import dataclass

from anying.core.roles import Role

from .models import Hazard

S = Hazard.Status

# Who may act, as parties rather than roles: the rule depends on the hazard too.
ENTERPRISE = "enterprise"  # the safety manager of the hazard's own enterprise
INSPECTOR = "inspector"  # a government inspector or district admin whose scope covers the hazard
SELF_REVIEW = "self_review"  # the enterprise itself, for a general hazard it found itself (自查自改)

INSPECTOR_ROLES = {Role.DISTRICT_ADMIN, Role.DEPT_INSPECTOR, Role.TOWN_INSPECTOR}


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    parties: frozenset[str]
    needs_comment: bool = False
    needs_evidence: bool = False
    needs_rectification: bool = False  # responsible person, measures and deadline
    needs_plan_if_major: bool = False  # the six elements of 总局令16号
    separated: bool = False  # never by whoever rectified or submitted


TRANSITIONS: dict[str, Transition] = {t.name: t for t in [
    Transition("start", "开始整改", (S.REGISTERED,), S.RECTIFYING, frozenset({ENTERPRISE, INSPECTOR}),
               needs_rectification=True, needs_plan_if_major=True),
    Transition("submit", "提交复查", (S.RECTIFYING,), S.SUBMITTED, frozenset({ENTERPRISE, INSPECTOR}),
               needs_evidence=True, needs_comment=True),
    Transition("send_back", "退回整改", (S.SUBMITTED,), S.RECTIFYING, frozenset({INSPECTOR, SELF_REVIEW}),
               needs_comment=True, separated=True),
    Transition("close", "审核销号", (S.SUBMITTED,), S.CLOSED, frozenset({INSPECTOR, SELF_REVIEW}),
               separated=True),
]}


def parties_of(user, hazard: Hazard, can_see: bool) -> set[str]:
    """Which parties `user` is for this hazard (`can_see`: the hazard is in the user's scope)."""
    parties = set()
    if user.role == Role.ENTERPRISE_USER and user.unit_id == hazard.organisation_id:
        parties.add(ENTERPRISE)
        if hazard.level == Hazard.Level.GENERAL and hazard.channel == Hazard.Channel.SELF:
            parties.add(SELF_REVIEW)
    elif user.role in INSPECTOR_ROLES and can_see:
        parties.add(INSPECTOR)
    return parties


def available(user, hazard: Hazard, can_see: bool) -> list[Transition]:
    """The transitions this user may take now (the detail page shows only these)."""
    parties = parties_of(user, hazard, can_see)
    return [t for t in TRANSITIONS.values() if hazard.status in t.sources and parties & t.parties
            and not (t.separated and user.pk in (hazard.rectified_by_id, hazard.submitted_by_id))]


EVENT_LABELS = {"register": "登记隐患", "extension_request": "申请延期", "extension_answer": "答复延期",
                "supervise": "督办", "progress": "报告治理进展",
                "escalate": "逾期升级", **{t.name: t.label for t in TRANSITIONS.values()}}
