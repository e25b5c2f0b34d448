"""What disaster reporting lets each role do (registered from DisastersConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

_READ = {"disasters.view"}


def register() -> None:
    register_permissions("disasters", {
        "disasters.view": "查看灾害过程、灾情报告、台账和应急救助（本辖区；灾害信息员：本村所在镇街的灾害过程）",
        "disasters.manage": "登记灾害过程，宣布灾情稳定、结束核报",
        "disasters.village": "报送本村（社区）灾情（灾害信息员，手机填报）",
        "disasters.report": "编制并报送本镇街的初报、续报、核报和零报告，维护死亡失踪、转移安置台账",
        "disasters.review": "审核、退回镇街灾情报告，汇总导出统计表和灾情通报",
        "disasters.relief": "登记应急救助发放和安置点“五有”检查",
    }, grants={
        Role.DISTRICT_ADMIN: _READ | {"disasters.manage", "disasters.report", "disasters.review", "disasters.relief"},
        Role.DEPT_INSPECTOR: set(_READ),
        Role.TOWN_INSPECTOR: _READ | {"disasters.report", "disasters.relief"},
        Role.LEADER: set(_READ),
        Role.DUTY_OFFICER: _READ | {"disasters.manage", "disasters.review", "disasters.relief"},
        Role.VILLAGE_OFFICER: _READ | {"disasters.village"},
    })
