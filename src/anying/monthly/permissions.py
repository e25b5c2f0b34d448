"""What the monthly report lets each role do (registered from MonthlyConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role


def register() -> None:
    register_permissions("monthly", {
        "monthly.view": "查看企业月报和报送情况（政府：本辖区；企业：本企业）",
        "monthly.confirm": "企业确认本企业上月安全生产月报",
    }, grants={
        Role.DISTRICT_ADMIN: {"monthly.view"},
        Role.DEPT_INSPECTOR: {"monthly.view"},
        Role.TOWN_INSPECTOR: {"monthly.view"},
        Role.LEADER: {"monthly.view"},
        Role.ENTERPRISE_USER: {"monthly.view", "monthly.confirm"},
    })
