"""Who may do what with a mine's on-site register (registered from OnsiteConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

_READ = {"onsite.view"}


def register() -> None:
    register_permissions("onsite", {
        "onsite.view": "查看矿山实际控制人、总工程师在岗履职天数和月度会议纪要（本辖区；企业：本企业）",
        "onsite.record": "登记本企业实际控制人、总工程师的在岗履职和月度安全生产重大问题会议纪要",
    }, grants={
        Role.DISTRICT_ADMIN: set(_READ),
        Role.DEPT_INSPECTOR: set(_READ),
        Role.TOWN_INSPECTOR: set(_READ),
        Role.LEADER: set(_READ),
        Role.ENTERPRISE_USER: _READ | {"onsite.record"},
    })
