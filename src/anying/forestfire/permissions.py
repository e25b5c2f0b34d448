"""What 森林防火 lets each role do (registered from ForestfireConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

_READ = {"forestfire.view"}


def register() -> None:
    register_permissions("forestfire", {
        "forestfire.view": "查看森林火险等级、检查站和进山登记、护林员巡护、野外用火、火情和森林防火责任人",
        "forestfire.level": "录入和导入每日森林火险等级，设定防火期，发布禁火令，录入森林面积",
        "forestfire.manage": "登记检查站、排定检查站值守，登记护林员，确定森林防火责任人和包保",
        "forestfire.patrol": "录入护林员巡护记录、违规用火和火情报告",
        "forestfire.apply": "登记野外用火申请",
        "forestfire.approve": "审批野外用火申请（登记人不能审批自己登记的申请）",
        "forestfire.check": "核查火情报告并登记结果（虚警或火情、受害面积）",
    }, grants={
        # the district (区应急局 / 林业 as a department) sets levels, seasons and bans and approves fire use
        Role.DISTRICT_ADMIN: _READ | {"forestfire.level", "forestfire.manage", "forestfire.patrol", "forestfire.apply",
                                      "forestfire.approve", "forestfire.check"},
        Role.DEPT_INSPECTOR: _READ | {"forestfire.level", "forestfire.manage", "forestfire.patrol", "forestfire.approve",
                                      "forestfire.check"},
        # towns keep their checkpoints and rangers, take applications and check the fires of their place
        Role.TOWN_INSPECTOR: _READ | {"forestfire.manage", "forestfire.patrol", "forestfire.apply", "forestfire.check"},
        Role.LEADER: _READ | {"forestfire.approve"},
        # the duty desk takes fire reports by phone and records them
        Role.DUTY_OFFICER: _READ | {"forestfire.patrol", "forestfire.check"},
    })
