"""Fixtures of the on-site tests: a mine in 旧县街道 with its 实际控制人 and 总工程师, and its login."""

import pytest

from anying.registry.models import KeyPerson


@pytest.fixture
def mine(make_enterprise):
    return make_enterprise("铜梁某石场", town_name="旧县街道", industry_name="非煤矿山")


@pytest.fixture
def controller(mine):
    return KeyPerson.objects.create(enterprise=mine, kind=KeyPerson.Kind.ACTUAL_CONTROLLER, name="罗老板")


@pytest.fixture
def engineer(mine):
    return KeyPerson.objects.create(enterprise=mine, kind=KeyPerson.Kind.CHIEF_ENGINEER, name="唐总工",
                                    title_level=KeyPerson.TitleLevel.INTERMEDIATE, experience_years=8,
                                    field_of_study="采矿工程")


@pytest.fixture
def kuang(mine, enterprise_user):
    return enterprise_user(mine, "kuang")
