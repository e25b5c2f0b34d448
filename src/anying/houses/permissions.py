"""What the house ledger lets each role do (registered from HousesConfig.ready()). Each step
belongs to one level: the village's 灾害信息员 and the town record households, assessments,
plans and milestones; the town approves plans and accepts the works; the district confirms and
pays the subsidy and sets the standard."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

_READ = {"houses.view"}


def register() -> None:
    register_permissions("houses", {
        "houses.view": "查看因灾倒塌损坏住房户台账、恢复重建进度和补助（本辖区；灾害信息员：本村）",
        "houses.record": "登记倒损住房户和评估，填报重建方案、开工、主体完工和竣工",
        "houses.approve": "审批重建方案（含选址例外）、组织竣工验收",
        "houses.pay": "核定并发放倒损住房恢复重建补助",
        "houses.configure": "设置本区县的倒损住房补助标准和选址距离",
        "houses.view_id": "导出台账时查看完整身份证号",
    }, grants={
        # the district confirms and pays, sets the standard; the full ID number only for the
        # district's export to the bank and the statistics system
        Role.DISTRICT_ADMIN: _READ | {"houses.pay", "houses.configure", "houses.view_id"},
        Role.DEPT_INSPECTOR: set(_READ),
        Role.TOWN_INSPECTOR: _READ | {"houses.record", "houses.approve"},
        Role.LEADER: set(_READ),
        Role.DUTY_OFFICER: set(_READ),
        Role.VILLAGE_OFFICER: _READ | {"houses.record"},
    })
