"""What the enterprise registry lets each role do (registered from RegistryConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

# Inspectors (and the district admin) keep the registers of the enterprises in their scope.
_INSPECT = {"registry.view", "registry.edit", "registry.import", "registry.export", "risk.assess", "registry.oversee"}


def register() -> None:
    register_permissions("registry", {
        "registry.view": "查看企业档案（企业：本企业）",
        "registry.edit": "登记和修改辖区企业的档案",
        # An enterprise keeps its own posts, personnel and contacts current; the regulator owns
        # its identity (credit code, region, industry, standardization).
        "registry.edit_own": "维护本企业的岗位、人员和联系方式",
        "registry.import": "导入企业档案",
        "registry.export": "导出企业档案",
        # An enterprise grades its own risks; the inspectors who guide it may record them too.
        "risk.assess": "辨识和评估安全风险（企业：本企业；监管员：辖区企业）",
        # The government side of risk grading and standardization (issue #6): every government
        # role reads the territory's major and large risks and its 达标率; the 区安委办 sets the
        # grading thresholds and the standardization targets.
        "registry.oversee": "查看辖区重大较大风险和标准化达标情况",
        "registry.configure": "设置风险分级阈值和标准化达标任务",
    }, grants={
        Role.DISTRICT_ADMIN: _INSPECT | {"registry.configure"},
        Role.DEPT_INSPECTOR: _INSPECT,
        Role.TOWN_INSPECTOR: _INSPECT,
        Role.LEADER: {"registry.view", "registry.export", "registry.oversee"},
        Role.DUTY_OFFICER: {"registry.view", "registry.oversee"},
        # An enterprise never sees the territory's summaries: of risk grading only its own
        # risk points, through the registry's scope.
        Role.ENTERPRISE_USER: {"registry.view", "registry.edit_own", "risk.assess"},
    })
