"""What the safety-spending ledger lets each role do (registered from SpendingConfig.ready()).
The enterprise keeps its own ledger; the town, the departments and the district read it (the
rate against the 提取标准 is what inspectors check)."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

_READ = {"spending.view"}


def register() -> None:
    register_permissions("spending", {
        "spending.view": "查看安全生产费用台账、提取比例和使用情况（企业：本企业；监管：本辖区本行业）",
        "spending.record": "填报本企业安全生产费用：年度计提依据、提取和使用（附凭证）",
    }, grants={
        Role.DISTRICT_ADMIN: set(_READ),
        Role.DEPT_INSPECTOR: set(_READ),
        Role.TOWN_INSPECTOR: set(_READ),
        Role.LEADER: set(_READ),
        Role.ENTERPRISE_USER: _READ | {"spending.record"},
    })
