"""Shared fixtures of the enforcement tests."""

import datetime as dt

import pytest
from django.utils import timezone

from anying.core.models import Organisation
from anying.hazards import checklists
from anying.hazards.models import ChecklistTemplate
from anying.inspections.models import Exclusion, Inspector
from anying.standards.models import CriteriaSet


@pytest.fixture
def setup(make_enterprise, enterprise_user, district):
    bureau = Organisation.objects.get(name="区应急局")
    template = checklists.build_from_criteria(None, CriteriaSet.objects.get(code="gongmao_2023"),
                                              use=ChecklistTemplate.Use.INSPECTION, owner=bureau)
    checklists.update_draft(None, template.pk, name=template.name, industry=template.industry,
                            items_text="安全出口畅通")
    template = checklists.publish(None, template.pk)
    ent = make_enterprise("旧县机械厂", "旧县街道", "机械", tags=["dust"])
    ent.user = enterprise_user(ent)
    future = timezone.localdate() + dt.timedelta(days=300)
    people = [Inspector.objects.create(unit=bureau, name=n, certificate_no=f"C{k}", certificate_expiry=future)
              for k, n in enumerate(["陈执法", "李执法", "回避者"])]
    Exclusion.objects.create(inspector=people[2], enterprise=ent, reason="亲属")
    lapsed = Inspector.objects.create(unit=bureau, name="过期者", certificate_no="C9",
                                      certificate_expiry=timezone.localdate() - dt.timedelta(days=30))
    return {"bureau": bureau, "template": template, "ent": ent, "people": people, "lapsed": lapsed}
