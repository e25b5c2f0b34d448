"""What campaigns let each role do (registered from CampaignsConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role


def register() -> None:
    register_permissions("campaigns", {
        "campaigns.view": "查看专项行动、排查整治表和统计（政府：本辖区及上级下发的；企业：下发到本企业的）",
        "campaigns.manage": "发起、编制、启动和结束本单位的专项行动",
    }, grants={
        Role.DISTRICT_ADMIN: {"campaigns.view", "campaigns.manage"},
        Role.DEPT_INSPECTOR: {"campaigns.view", "campaigns.manage"},
        Role.TOWN_INSPECTOR: {"campaigns.view", "campaigns.manage"},
        Role.LEADER: {"campaigns.view"},
        Role.ENTERPRISE_USER: {"campaigns.view"},
    })
