"""The registers behind the figures and the relief during the event."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM
from anying.disasters import registers
from anying.disasters.models import Aid, Casualty, ShelterCheck, Stay
from anying.places.models import Place
from anying.supplies import services as supplies
from anying.supplies.models import Item, StockBalance, Warehouse

from .conftest import send

pytestmark = pytest.mark.django_db


def casualty(town, **extra):
    return {"town": town.pk, "name": "张某某", "gender": "男", "age": 60, "status": "missing",
            "occurred_on": timezone.localdate(), "place": "河沟", "cause": "山洪冲走", **extra}


def test_a_casualty_is_recorded_with_a_checked_id_number_masked_in_the_audit(make_event, users, town):
    event = make_event(towns=("旧县街道",))
    with pytest.raises(ValidationError) as caught:
        registers.add_casualty(users["jiuxian"], event, casualty(town("旧县街道"), id_number="12345", name=""))
    assert {"id_number", "name"} <= set(caught.value.message_dict)
    row = registers.add_casualty(users["jiuxian"], event, casualty(town("旧县街道"), id_number="500224195901011234"))
    entry = AuditEvent.objects.filter(object_id=str(row.pk), summary__contains="登记因灾").get()
    assert "500224195901011234" not in str(entry.after) and "5002**********1234" in str(entry.after)


def test_only_towns_of_the_event_and_of_ones_territory(make_event, users, town):
    event = make_event(towns=("旧县街道", "虎峰镇"))
    with pytest.raises(PermissionDenied):
        registers.add_casualty(users["jiuxian"], event, casualty(town("虎峰镇")))
    with pytest.raises(ValidationError, match="受灾镇街"):
        registers.add_casualty(users["admin"], event, casualty(town("巴川街道")))
    with pytest.raises(ValidationError, match="日期"):
        registers.add_casualty(users["jiuxian"], event,
                               casualty(town("旧县街道"), occurred_on=timezone.localdate() - dt.timedelta(days=5)))


def test_a_missing_person_found_leaves_the_register_with_the_reason_audited(make_event, users, town):
    event = make_event(towns=("旧县街道",))
    row = registers.add_casualty(users["jiuxian"], event, casualty(town("旧县街道")))
    with pytest.raises(ValidationError, match="说明"):
        registers.change_casualty(users["jiuxian"], row.pk, status="found")
    registers.change_casualty(users["jiuxian"], row.pk, status="found", note="在亲戚家找到")
    assert not Casualty.objects.exists()
    assert AuditEvent.objects.filter(action="delete", summary__contains="在亲戚家找到").exists()
    other = registers.add_casualty(users["jiuxian"], event, casualty(town("旧县街道")))
    assert registers.change_casualty(users["jiuxian"], other.pk, status="dead").status == "dead"
    with pytest.raises(Casualty.DoesNotExist):  # another town's user does not see it at all
        registers.change_casualty(users["hufeng"], other.pk, status="missing")


@pytest.fixture
def shelter(users, town):
    return Place.objects.create(name="旧县街道中学操场应急避难场所", kind=Place.Kind.SHELTER, owner=users["jiuxian"].unit,
                                region=town("旧县街道"), capacity=1200)


def test_stays_by_shelter_and_the_five_haves(make_event, users, town, shelter):
    event = make_event(towns=("旧县街道",))
    with pytest.raises(ValidationError) as caught:
        registers.add_stay(users["jiuxian"], event, {"town": town("旧县街道").pk, "mode": "shelter", "head": "",
                                                     "persons": 0})
    assert {"shelter", "head", "persons"} <= set(caught.value.message_dict)
    registers.add_stay(users["jiuxian"], event, {"town": town("旧县街道").pk, "mode": "shelter", "shelter": shelter.pk,
                                                 "head": "何国华", "persons": 4})
    stay = registers.add_stay(users["jiuxian"], event, {"town": town("旧县街道").pk, "mode": "shelter",
                                                        "shelter": shelter.pk, "head": "罗建平", "persons": 3})
    rows = registers.shelters_in_use(event)
    assert rows[0]["persons"] == 7 and rows[0]["check"] is None
    assert registers.five_haves_rate(rows) == Decimal("0.0")
    with pytest.raises(ValidationError, match="问题和措施"):
        registers.check_shelter(users["jiuxian"], event, {"shelter": shelter.pk, "town": town("旧县街道").pk,
                                                          "food": True})
    registers.check_shelter(users["jiuxian"], event, {"shelter": shelter.pk, "town": town("旧县街道").pk,
                                                      **{f: True for f in ShelterCheck.FIVE}})
    assert registers.five_haves_rate(registers.shelters_in_use(event)) == Decimal("100.0")
    registers.end_stay(users["jiuxian"], stay.pk)
    assert registers.shelters_in_use(event)[0]["persons"] == 4
    with pytest.raises(ValidationError, match="已登记返家"):
        registers.end_stay(users["jiuxian"], stay.pk)


def _stocked(users, town):
    import random

    from anying.supplies.demo import load
    load(random.Random(1))
    return Warehouse.objects.get(owner__region=town("旧县街道")), Item.objects.get(code="SH-003")


def test_aid_leaves_the_warehouse_on_a_posted_issue_and_counts_within_eight_hours(make_event, users, town, shelter,
                                                                                   clock):
    store, quilts = _stocked(users, town)
    before = StockBalance.objects.get(warehouse=store, item=quilts).quantity
    start = clock(timezone.now())
    event = make_event(towns=("旧县街道",), started_at=start - dt.timedelta(hours=1))
    send(users["jiuxian"], event, town("旧县街道"), {"affected": 100, "needing_help": 40})
    with pytest.raises(ValidationError, match="库存只有"):
        registers.give_aid(users["jiuxian"], event, {"town": town("旧县街道").pk, "shelter": shelter.pk, "persons": 20,
                                                     "warehouse": store.pk, "item": quilts.pk, "quantity": before + 1})
    aid = registers.give_aid(users["jiuxian"], event, {"town": town("旧县街道").pk, "shelter": shelter.pk,
                                                       "persons": 20, "warehouse": store.pk, "item": quilts.pk,
                                                       "quantity": 10})
    assert aid.document.status == "draft" and aid.document.kind == "issue"
    with pytest.raises(ValidationError, match="尚未过账"):
        registers.deliver(users["jiuxian"], aid.pk)
    supplies.post(SYSTEM, aid.document_id)
    assert StockBalance.objects.get(warehouse=store, item=quilts).quantity == before - 10
    clock(start + dt.timedelta(hours=7))  # 8 hours after the disaster began
    registers.deliver(users["jiuxian"], aid.pk)
    needs = registers.basic_needs(event)
    assert needs["reached"] == 20 and needs["needing"] == 40 and needs["rate"] == Decimal("50.0")
    Aid.objects.filter(pk=aid.pk).update(delivered_at=event.started_at + dt.timedelta(hours=8, seconds=1))
    assert registers.basic_needs(event)["reached"] == 0  # a second late is not within 8 hours


def test_a_town_gives_no_aid_out_of_a_warehouse_it_cannot_see(make_event, users, town, shelter):
    _stocked(users, town)
    other = Warehouse.objects.get(owner__region=town("虎峰镇"))
    event = make_event(towns=("旧县街道",))
    with pytest.raises(ValidationError, match="仓库"):
        registers.give_aid(users["jiuxian"], event, {"town": town("旧县街道").pk, "shelter": shelter.pk, "persons": 5,
                                                     "warehouse": other.pk, "item": Item.objects.first().pk,
                                                     "quantity": 1})
    assert not Aid.objects.exists() and not Stay.objects.exists()
