"""What rescue teams and experts let each role do (registered from RescueConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

_KEEP = {"rescue.view", "rescue.edit", "rescue.standby", "rescue.training", "rescue.experts_view"}


def register() -> None:
    register_permissions("rescue", {
        "rescue.view": "查看救援队伍、值班备勤和训练（企业：本企业的队伍）",
        "rescue.edit": "登记和修改本单位及辖区的救援队伍、队员和装备",
        "rescue.standby": "填报值班备勤",
        "rescue.training": "制定训练计划、登记训练记录",
        # 年度考核 is the district's: it assesses district, town and village teams (seed 001)
        "rescue.assess": "登记救援队伍年度考核成绩，维护装备配备目录",
        "rescue.import": "导入救援队伍、队员和专家",
        "rescue.experts_view": "查看专家库",
        "rescue.experts": "维护专家库",
        # 执法+专家 and bought expert guidance: the units that inspect
        "rescue.guidance": "邀请专家参加执法检查，登记专家指导服务",
    }, grants={
        Role.DISTRICT_ADMIN: _KEEP | {"rescue.assess", "rescue.import", "rescue.experts", "rescue.guidance"},
        Role.DEPT_INSPECTOR: _KEEP | {"rescue.experts", "rescue.guidance"},
        Role.TOWN_INSPECTOR: _KEEP | {"rescue.import", "rescue.guidance"},
        Role.LEADER: {"rescue.view", "rescue.experts_view"},
        Role.DUTY_OFFICER: {"rescue.view", "rescue.standby", "rescue.experts_view"},
        # an enterprise keeps its own team (企业救援队) and reports its standby
        Role.ENTERPRISE_USER: {"rescue.view", "rescue.standby"},
    })
