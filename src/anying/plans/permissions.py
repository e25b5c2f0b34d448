"""What plans and drills let each role do (registered from PlansConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

_READ = {"plans.view", "drills.view"}
_WRITE = {"plans.edit", "drills.edit", "drills.evaluate"}


def register() -> None:
    register_permissions("plans", {
        "plans.view": "查看应急预案、覆盖检查和修编率（企业：本企业的预案）",
        "plans.edit": "编制和修改本单位的应急预案，登记预案评估，办结本单位的整改和修订任务",
        "plans.review": "审核和备案下级单位（含辖区企业）的应急预案",
        "plans.configure": "修改预案与演练的本地设置（评估和修订周期、修编率目标）",
        "drills.view": "查看演练计划、演练记录和演练指标完成情况（企业：本企业的演练）",
        "drills.edit": "编制本单位的演练计划，登记演练情况和照片",
        "drills.evaluate": "评估演练，登记发现的问题并布置整改和预案修订任务",
    }, grants={
        # the district admin does everything, including the local settings
        Role.DISTRICT_ADMIN: _READ | _WRITE | {"plans.review", "plans.configure"},
        # 区应急局 and the other departments write their own plans and review those of the towns and
        # of the enterprises of their industries (708号第七条: enterprises file with the departments)
        Role.DEPT_INSPECTOR: _READ | _WRITE | {"plans.review"},
        # a town keeps its own plans and drills; its plans are reviewed above it
        Role.TOWN_INSPECTOR: _READ | _WRITE,
        # the leader reads and signs off (审核、备案)
        Role.LEADER: _READ | {"plans.review"},
        # the duty desk reads the plans it may have to start
        Role.DUTY_OFFICER: set(_READ),
        # an enterprise keeps its own plans and drills and evaluates them (应急管理部令第2号第三十三条)
        Role.ENTERPRISE_USER: _READ | _WRITE,
    })
