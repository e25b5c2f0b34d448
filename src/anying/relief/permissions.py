"""What relief lets each role do (registered from ReliefConfig.ready()).

冬春救助 runs across four levels, each its own step: the village committee files (户报) and
reviews (村评), the town office reviews (乡审), posts the notice and answers objections, the
district (its admin or the 分管领导) decides (县定), and the district admin records the payment —
not the one who decided (职责分离 in the lifecycle). Departments (经信委 …) have no part in it
and see none of it: the registers hold ID numbers and accounts."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

_READ = {"relief.view"}


def register() -> None:
    register_permissions("relief", {
        "relief.view": "查看冬春救助（需求摸底、申请、公示、发放）、救灾捐赠和救灾资金（本辖区；村：本村）",
        "relief.manage": "设立年度冬春救助工作（救助时段、公示天数）",
        "relief.village_review": "录入本村（社区）的冬春救助户报和需求摸底，登记村民主评议（村评）",
        "relief.town_review": "乡审冬春救助申请，张榜公示，登记和答复公示异议",
        "relief.decide": "县定：公示期满、异议答复后核定或不予救助",
        "relief.pay": "登记一卡通发放到户（不能发放本人核定的申请）",
        "relief.donations": "登记接收救灾捐赠，分配到镇街和受助户",
        "relief.funds": "下拨救灾资金，登记监督检查发现的问题及处理",
        "relief.fund_use": "登记本镇街救灾资金的使用",
    }, grants={
        Role.DISTRICT_ADMIN: _READ | {"relief.manage", "relief.decide", "relief.pay", "relief.donations",
                                      "relief.funds", "relief.fund_use"},
        Role.TOWN_INSPECTOR: _READ | {"relief.town_review", "relief.donations", "relief.fund_use"},
        Role.LEADER: _READ | {"relief.decide"},
        Role.VILLAGE_OFFICER: _READ | {"relief.village_review"},
    })
