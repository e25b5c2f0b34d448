"""What the supplies ledger lets each role do (registered from SuppliesConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

# Keepers (保管) are the staff of the owning unit: a town's 应急办 keeps the town warehouse, the
# district bureau the district's. Approving a 调拨 out of a warehouse is the owner's 分管领导 or
# the district admin. The 值班员 reads stock for dispatch. Enterprises see none of it.
_KEEP = {"supplies.view", "supplies.keep", "supplies.request"}


def register() -> None:
    register_permissions("supplies", {
        "supplies.view": "查看应急物资仓库、库存和台账",
        "supplies.keep": "登记仓库、开具和记账出入库单据（保管）",
        "supplies.request": "申请调拨物资",
        "supplies.approve": "审批物资调拨、向下级预置物资",
    }, grants={
        Role.DISTRICT_ADMIN: _KEEP | {"supplies.approve"},
        Role.DEPT_INSPECTOR: _KEEP,
        Role.TOWN_INSPECTOR: _KEEP,
        Role.LEADER: {"supplies.view", "supplies.approve"},
        Role.DUTY_OFFICER: {"supplies.view", "supplies.request"},
    })
