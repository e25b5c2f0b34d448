"""Fixtures of the rescue tests: units of 铜梁区 and a factory for teams that goes through the
service layer."""

import pytest

from anying.core.models import Organisation, Region
from anying.core.services import save_region
from anying.rescue import services
from anying.rescue.models import Team


@pytest.fixture
def units(district):
    return {o.name: o for o in Organisation.objects.all()}


@pytest.fixture
def make_team(units, town):
    def make(name="旧县街道专职救援队", category=Team.Category.CENTRAL_TOWN, owner="旧县街道应急办",
             region=None, actor=None, specialities=("fire",), base=None, **extra):
        owner_unit = units[owner]
        team = Team(name=name, category=category, owner=owner_unit, region=region or owner_unit.region, **extra)
        return services.save_team(actor, team, speciality_codes=list(specialities), base=base)

    return make


@pytest.fixture
def village(town):
    def make(name, town_name="旧县街道"):
        return save_region(None, Region(name=name, level=Region.Level.VILLAGE, parent=town(town_name)))

    return make
