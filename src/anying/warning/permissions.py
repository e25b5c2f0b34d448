"""What warnings let each role do (registered from WarningConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

_READ = {"warning.view"}


def register() -> None:
    register_permissions("warning", {
        "warning.view": "查看预警、叫应进度和措施落实（企业：覆盖本企业的已发布预警）",
        "warning.edit": "编辑预警草稿、导入 CAP 预警，提交签发",
        "warning.issue": "签发（审批发布）、退回预警；编辑人不能签发自己编辑的预警",
        "warning.contacts": "维护预警责任人名册（三个责任人、包片领导、网格员、群测群防员）",
        "warning.call": "处理值班台的电话叫应任务，代为登记叫应",
        "warning.measure": "报告本镇街预警措施的落实情况",
    }, grants={
        Role.DISTRICT_ADMIN: _READ | {"warning.edit", "warning.issue", "warning.contacts", "warning.call",
                                      "warning.measure"},
        Role.DEPT_INSPECTOR: _READ | {"warning.edit", "warning.contacts"},
        Role.TOWN_INSPECTOR: _READ | {"warning.edit", "warning.contacts", "warning.call", "warning.measure"},
        Role.LEADER: _READ | {"warning.issue"},
        Role.DUTY_OFFICER: _READ | {"warning.edit", "warning.call", "warning.measure"},
        Role.ENTERPRISE_USER: set(_READ),
    })
