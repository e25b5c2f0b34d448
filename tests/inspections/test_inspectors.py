"""The inspector directory and conflict-of-interest exclusions."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Organisation
from anying.inspections import inspectors
from anying.inspections.models import Exclusion, Inspector


@pytest.fixture
def units(district):
    return {name: Organisation.objects.get(name=name) for name in ("区应急局", "旧县街道应急办", "虎峰镇应急办")}


def data(unit, **extra):
    return {"unit": unit, "name": "张执法", "certificate_no": "渝执00001", "certificate_expiry": dt.date(2028, 1, 1),
            **extra}


def test_a_unit_keeps_its_own_inspectors(units, users):
    mine = inspectors.create(users["jiuxian"], data(units["旧县街道应急办"]))
    assert AuditEvent.objects.filter(object_id=str(mine.pk), action="create").exists()
    with pytest.raises(PermissionDenied):
        inspectors.create(users["jiuxian"], data(units["虎峰镇应急办"], certificate_no="渝执00002"))
    inspectors.create(users["admin"], data(units["虎峰镇应急办"], certificate_no="渝执00002"))  # district admin
    with pytest.raises(PermissionDenied):
        inspectors.update(users["hufeng"], mine.pk, {"name": "改名"})


def test_certificate_numbers_are_unique_and_required(units, users):
    inspectors.create(users["admin"], data(units["区应急局"]))
    with pytest.raises(ValidationError) as exc:
        inspectors.create(users["admin"], data(units["区应急局"]))
    assert "certificate_no" in exc.value.message_dict
    with pytest.raises(ValidationError):
        inspectors.create(users["admin"], data(units["区应急局"], certificate_no="", name=""))
    assert Inspector.objects.count() == 1


def test_exclusions(units, users, make_enterprise):
    inspector = inspectors.create(users["admin"], data(units["区应急局"]))
    ent = make_enterprise("亲属企业")
    exclusion = inspectors.exclude(users["yingji"], inspector.pk, ent, "配偶任该企业安全主管")
    with pytest.raises(ValidationError, match="已登记"):
        inspectors.exclude(users["yingji"], inspector.pk, ent, "重复")
    with pytest.raises(ValidationError):
        inspectors.exclude(users["yingji"], inspector.pk, make_enterprise("另一家"), " ")
    inspectors.lift(users["yingji"], exclusion.pk)
    assert not Exclusion.objects.exists()


def test_directory_pages(units, users, login, make_enterprise):
    inspector = inspectors.create(users["admin"], data(units["区应急局"], certificate_expiry=dt.date(2020, 1, 1)))
    ent = make_enterprise("亲属企业")
    client = login(users["yingji"])
    body = client.get(reverse("inspector_list")).content.decode()
    assert "张执法" in body and "已过期" in body
    client.post(reverse("exclusion_add", args=[inspector.pk]), {"credit_code": ent.credit_code, "reason": "近亲属"})
    assert "亲属企业" in client.get(reverse("inspector_detail", args=[inspector.pk])).content.decode()
    # another town's user sees neither the district's directory entry nor its page
    assert login(users["hufeng"]).get(reverse("inspector_detail", args=[inspector.pk])).status_code == 404
    assert login(users["duty"]).get(reverse("inspector_list")).status_code == 200


def test_exclusions_only_for_enterprises_in_scope(units, users, make_enterprise, login):
    inspector = inspectors.create(users["jiuxian"], data(units["旧县街道应急办"]))
    elsewhere = make_enterprise("虎峰企业", "虎峰镇", "机械")
    with pytest.raises(PermissionDenied):
        inspectors.exclude(users["jiuxian"], inspector.pk, elsewhere, "亲属")
    body = login(users["jiuxian"]).post(reverse("exclusion_add", args=[inspector.pk]),
                                        {"credit_code": elsewhere.credit_code, "reason": "亲属"}, follow=True)
    assert "监管范围内没有" in body.content.decode() and not Exclusion.objects.exists()
