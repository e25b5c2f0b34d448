"""Who reads the map and who keeps places (registered from PlacesConfig.ready())."""

from anying.core.permissions import register_permissions
from anying.core.roles import Role

_GOVERNMENT = {"places.map", "places.edit"}


def register() -> None:
    register_permissions("places", {
        "places.map": "查看一张图和就近资源",
        # the registers that own a place (warehouses, teams, shelters) check their own permission
        # too; this one is for the places themselves (避难场所, region outlines)
        "places.edit": "登记和修改本单位的场所（避难场所等）与区划边界",
    }, grants={
        Role.DISTRICT_ADMIN: _GOVERNMENT,
        Role.DEPT_INSPECTOR: {"places.map"},
        Role.TOWN_INSPECTOR: _GOVERNMENT,
        Role.LEADER: {"places.map"},
        Role.DUTY_OFFICER: {"places.map"},
    })
