"""What the 12350 tips let each role do (registered from TipsConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

# 12350 tips (issue #5): every government role reads the tips of its scope; the 12350 desk
# (值班员, the command centre that answers the hotline) and the district admin take tips by phone,
# dispatch them, and alone see who reported (保密: the verifying inspectors never learn it).
# Enterprises never see tips.
_HANDLE = {"tips.view", "tips.handle"}
_DESK = _HANDLE | {"tips.assign", "tips.view_contact"}


def register() -> None:
    register_permissions("tips", {
        "tips.view": "查看辖区内的举报",
        "tips.handle": "核查和办理举报",
        "tips.assign": "受理电话举报并分派（12350）",
        "tips.view_contact": "查看举报人身份和联系方式",
        "tips.reward": "提出和登记举报奖励",
        # 分管领导 approves rewards with the district admin
        "tips.approve_reward": "审批举报奖励",
        "tips.configure": "设置举报处理时限和奖励规则",
    }, grants={
        Role.DISTRICT_ADMIN: _DESK | {"tips.reward", "tips.approve_reward", "tips.configure"},
        Role.DEPT_INSPECTOR: _HANDLE,
        Role.TOWN_INSPECTOR: _HANDLE,
        Role.LEADER: {"tips.view", "tips.approve_reward"},
        Role.DUTY_OFFICER: _DESK,
    })
