"""Fixtures of the training tests: a 机械 enterprise in 旧县街道 with its principal and safety
manager, its login, and a 非煤矿山 enterprise in 虎峰镇."""

import pytest

from anying.registry.models import KeyPerson


@pytest.fixture
def ent(make_enterprise):
    e = make_enterprise("铜梁某机械厂", town_name="旧县街道", industry_name="机械")
    KeyPerson.objects.create(enterprise=e, kind=KeyPerson.Kind.PRINCIPAL, name="王总")
    KeyPerson.objects.create(enterprise=e, kind=KeyPerson.Kind.SAFETY_MANAGER, name="李安全")
    return e


@pytest.fixture
def mine(make_enterprise):
    e = make_enterprise("铜梁某石场", town_name="虎峰镇", industry_name="非煤矿山")
    KeyPerson.objects.create(enterprise=e, kind=KeyPerson.Kind.PRINCIPAL, name="罗矿长")
    return e


@pytest.fixture
def qiye(ent, enterprise_user):
    return enterprise_user(ent)
