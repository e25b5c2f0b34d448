"""The tip's lifecycle (PRODUCT.md §4.3) as one table for core.workflow: received → assigned →
verifying → substantiated or not → replied → closed. docs/lifecycles.md shows it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from anying.core import recipients, workflow
from anying.core.errors import PermissionDenied
from anying.core.models import Region
from anying.core.permissions import SYSTEM
from anying.core.workflow import Lifecycle, Transition

from .models import Tip

S = Tip.Status

DESK = "desk"  # the 12350 desk of the tip's territory (tips.assign)
HANDLER = "handler"  # a member of the assigned unit with tips.handle

REPLY_LIMIT = 2000


def _assign(step) -> None:
    tip, unit, actor = step.record, step.data.get("unit"), step.actor
    if unit is None or not unit.is_government or not unit.is_active:
        raise ValidationError({"unit": "请选择承办单位"})
    if actor is not SYSTEM and not Region.objects.get(pk=unit.region_id).path.startswith(actor.unit.region.path):
        raise PermissionDenied("只能交办给本辖区内的单位")
    tip.unit, tip.assigned_at = unit, timezone.now()
    step.comment = f"交办 {unit.name}" + (f"：{step.comment}" if step.comment else "")


def _conclude(step) -> None:
    tip, substantiated = step.record, step.data.get("substantiated")
    if substantiated is None:
        raise ValidationError({"substantiated": "请选择核查结论：属实或不属实"})
    if not step.comment:
        raise ValidationError({"text": "请填写核查情况"})
    tip.substantiated, tip.findings = substantiated, step.comment
    tip.status = S.SUBSTANTIATED if substantiated else S.UNSUBSTANTIATED


def _reply(step) -> None:
    tip = step.record
    if not step.comment:
        raise ValidationError({"text": "请填写给举报人的答复意见"})
    if len(step.comment) > REPLY_LIMIT:
        raise ValidationError({"text": f"答复意见最多 {REPLY_LIMIT} 字"})
    tip.reply, tip.replied_at = step.comment, timezone.now()
    tip.days_to_reply = (timezone.localdate(tip.replied_at) - timezone.localdate(tip.received_at)).days
    step.comment = ""  # the reply is on the tip itself; the timeline keeps no second copy


def _close(step) -> None:
    if step.record.substantiated is None or not step.record.reply:
        raise ValidationError("举报须有核查结论和答复意见后才能办结")
    step.record.closed_at = timezone.now()


_TABLE = [
    Transition("assign", "交办", (S.RECEIVED, S.ASSIGNED, S.VERIFYING), S.ASSIGNED, frozenset({DESK}),
               apply=_assign, notify=("handlers",), public_label="已交办承办单位"),
    Transition("start", "开始核查", (S.ASSIGNED,), S.VERIFYING, frozenset({HANDLER}), public_label="承办单位开始核查"),
    Transition("conclude", "核查结论", (S.VERIFYING,), (S.SUBSTANTIATED, S.UNSUBSTANTIATED), frozenset({HANDLER}),
               apply=_conclude, notify=("desk",), public_label="核查完毕"),
    Transition("reply", "答复举报人", (S.SUBSTANTIATED, S.UNSUBSTANTIATED), S.REPLIED, frozenset({HANDLER, DESK}),
               apply=_reply, public_label="已答复"),
    Transition("close", "办结", (S.REPLIED,), S.CLOSED, frozenset({HANDLER, DESK}), apply=_close,
               public_label="已办结"),
]

OPEN_FOR_VERIFY = (S.RECEIVED, S.ASSIGNED, S.VERIFYING)
OPEN_FOR_REPLY = (S.RECEIVED, S.ASSIGNED, S.VERIFYING, S.SUBSTANTIATED, S.UNSUBSTANTIATED)


def parties_of(user, tip: Tip) -> set[str]:
    """Which parties the user is for a tip already known to be visible to them."""
    if user is None:
        return {DESK, HANDLER}
    parties = set()
    if user.has_perm_code("tips.assign"):
        parties.add(DESK)
    if user.has_perm_code("tips.handle") and tip.unit_id and user.unit_id == tip.unit_id:
        parties.add(HANDLER)
    return parties


def _handlers(tip: Tip):
    return recipients.members([tip.unit_id], "tips.handle")


LIFECYCLE = workflow.register(Lifecycle(
    model=Tip, label="举报", transitions=_TABLE, parties=parties_of,
    recipients={"handlers": _handlers, "desk": lambda tip: recipients.over(tip.region, "tips.assign")},
    audited=["category", "description", "place", "region", "enterprise", "enterprise_text", "status", "unit",
             "substantiated", "reply"],
    events={"receive": "受理", "escalate": "逾期提醒", "link": "关联", "unlink": "取消关联",
            "enterprise": "确认被举报单位", "reward": "举报奖励"},
    describe=lambda tip: f"{tip.display_code} {tip.get_category_display()}",
    summary=lambda tip: f"{tip.place}；核查期限 {tip.verify_due:%Y-%m-%d}，答复期限 {tip.reply_due:%Y-%m-%d}",
    url=lambda tip: reverse("tip_detail", args=[tip.pk])))

STEPS = LIFECYCLE.table
EVENT_LABELS = {**LIFECYCLE.events, **{t.name: t.label for t in _TABLE}}
# reward steps are on the tip's timeline (tips.rewards); "reward:approved" is how they were named before
PUBLIC_LABELS = {"receive": "已受理", "reward:approve": "举报奖励已批准", "reward:pay": "举报奖励已发放",
                 "reward:approved": "举报奖励已批准", "reward:paid": "举报奖励已发放",
                 **{t.name: t.public_label for t in _TABLE}}


def public_label(action: str) -> str:
    return PUBLIC_LABELS.get(action) or PUBLIC_LABELS.get(action.split(":")[0], "")


def available(user, tip: Tip):
    return LIFECYCLE.available(user, tip)
