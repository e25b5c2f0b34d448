"""The tip's states and steps as one table (PRODUCT.md §4.3): received → assigned → verifying →
substantiated or not → replied → closed. services.step() enforces it; docs/tips.md shows it."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Tip

S = Tip.Status

DESK = "desk"  # the 12350 desk of the tip's territory (tips.assign)
HANDLER = "handler"  # a member of the assigned unit with tips.handle


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    sources: tuple[str, ...]
    parties: frozenset[str]
    public_label: str  # what the reporter's timeline says


STEPS: dict[str, Step] = {s.name: s for s in [
    Step("assign", "交办", (S.RECEIVED, S.ASSIGNED, S.VERIFYING), frozenset({DESK}), "已交办承办单位"),
    Step("start", "开始核查", (S.ASSIGNED,), frozenset({HANDLER}), "承办单位开始核查"),
    Step("conclude", "核查结论", (S.VERIFYING,), frozenset({HANDLER}), "核查完毕"),
    Step("reply", "答复举报人", (S.SUBSTANTIATED, S.UNSUBSTANTIATED), frozenset({HANDLER, DESK}), "已答复"),
    Step("close", "办结", (S.REPLIED,), frozenset({HANDLER, DESK}), "已办结"),
]}

OPEN_FOR_VERIFY = (S.RECEIVED, S.ASSIGNED, S.VERIFYING)
OPEN_FOR_REPLY = (S.RECEIVED, S.ASSIGNED, S.VERIFYING, S.SUBSTANTIATED, S.UNSUBSTANTIATED)

EVENT_LABELS = {"receive": "受理", "escalate": "逾期提醒", "link": "关联", "unlink": "取消关联",
                "enterprise": "确认被举报单位", "reward": "举报奖励",
                **{s.name: s.label for s in STEPS.values()}}
PUBLIC_LABELS = {"receive": "已受理", "reward:approved": "举报奖励已批准", "reward:paid": "举报奖励已发放",
                 **{s.name: s.public_label for s in STEPS.values()}}


def public_label(action: str) -> str:
    return PUBLIC_LABELS.get(action) or PUBLIC_LABELS.get(action.split(":")[0], "")


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


def available(user, tip: Tip) -> list[Step]:
    parties = parties_of(user, tip)
    return [s for s in STEPS.values() if tip.status in s.sources and parties & s.parties]
