"""Who may do what in the training archive (registered from TrainingConfig.ready()). The
enterprise keeps its own archive; the town, the departments and the leaders read it and the
coverage page."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

_READ = {"training.view"}


def register() -> None:
    register_permissions("training", {
        "training.view": "查看企业安全培训计划、培训记录和培训档案，查看培训覆盖率（本辖区；企业：本企业）",
        "training.record": "登记本企业的培训计划、培训记录（含三级安全教育、考试成绩）和培训档案人员",
    }, grants={
        Role.DISTRICT_ADMIN: set(_READ),
        Role.DEPT_INSPECTOR: set(_READ),
        Role.TOWN_INSPECTOR: set(_READ),
        Role.LEADER: set(_READ),
        Role.ENTERPRISE_USER: _READ | {"training.record"},
    })
