import datetime as dt

import pytest

from anying.core.models import Organisation
from anying.core.permissions import SYSTEM
from anying.plans import reference, services
from anying.plans.models import EmergencyPlan, HazardType


@pytest.fixture
def ref(db):
    reference.ensure()
    return {t.code: t for t in HazardType.objects.all()}


@pytest.fixture
def units(users):
    return {o.name: o for o in Organisation.objects.all()}


@pytest.fixture
def make_plan(ref, units):
    """A draft plan through the service, as the system."""
    def make(owner="旧县街道应急办", name="旧县街道森林火灾应急预案", level=EmergencyPlan.Level.TOWN, hazard="forest_fire",
             **fields):
        unit = units[owner] if isinstance(owner, str) else owner
        return services.save_plan(SYSTEM, EmergencyPlan(owner=unit, name=name, level=level, hazard_type=ref[hazard],
                                                        **fields))
    return make


def through(plan, issued: dt.date, *, filed: bool = True, filed_on: dt.date | None = None) -> EmergencyPlan:
    services.act(SYSTEM, plan.pk, "submit")
    services.act(SYSTEM, plan.pk, "approve")
    services.act(SYSTEM, plan.pk, "issue", data={"issued_on": issued, "document_number": f"测试〔{issued.year}〕1号"})
    if filed:
        plan.refresh_from_db()
        services.act(SYSTEM, plan.pk, "file", data={"filing_number": "备案001", "filed_on": filed_on or issued})
    return EmergencyPlan.objects.get(pk=plan.pk)
