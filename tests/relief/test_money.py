"""Donations (goods through the warehouse ledger, directed ones only where meant, never more than
received) and relief funds (no use beyond the balance; findings)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from anying.core.errors import PermissionDenied
from anying.core.models import Organisation, Region
from anying.core.permissions import SYSTEM
from anying.relief import donations, funds
from anying.relief.models import Donation, Finding, Fund
from anying.supplies import services as supplies
from anying.supplies.models import Item, StockDocument, Warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau(district):
    return Organisation.objects.get(name="区应急局")


@pytest.fixture
def towns(district):
    return {t.name: t for t in Region.objects.filter(level="town", name__in=["旧县街道", "虎峰镇"])}


@pytest.fixture
def store(bureau, district):
    from anying.places.models import Place

    place = Place.objects.create(name="区储备库", kind=Place.Kind.WAREHOUSE, owner=bureau, region=district)
    return Warehouse.objects.create(name="区储备库", owner=bureau, level="district", place=place)


def test_money_donation_numbers_and_allocation_limits(users, bureau, towns):
    d = donations.record_donation(users["admin"], {"unit": bureau, "donor": "某公司", "form": "money",
                                                   "amount": Decimal("1000"), "intent": "directed",
                                                   "directed_town": towns["虎峰镇"]})
    second = donations.record_donation(users["admin"], {"unit": bureau, "donor": "某人", "form": "money",
                                                        "amount": Decimal("10")})
    assert d.number != second.number and "〔" in d.number
    with pytest.raises(ValidationError) as caught:
        donations.allocate(users["admin"], d.pk, {"town": towns["旧县街道"], "amount": "100", "purpose": "救助"})
    assert "town" in caught.value.message_dict
    donations.allocate(users["admin"], d.pk, {"town": towns["虎峰镇"], "amount": "800", "purpose": "救助"})
    with pytest.raises(ValidationError) as caught:
        donations.allocate(users["admin"], d.pk, {"town": towns["虎峰镇"], "amount": "300", "purpose": "救助"})
    assert "amount" in caught.value.message_dict
    assert donations.money_left(d) == Decimal("200")


def test_goods_go_through_the_ledger(users, bureau, towns, store):
    quilt = Item.objects.get(code="SH-003")
    d = donations.record_donation(users["admin"], {"unit": bureau, "donor": "纺织公司", "form": "goods",
                                                   "warehouse": store}, [{"item": quilt, "quantity": 100}])
    doc = StockDocument.objects.get(pk=d.document_id)
    assert doc.kind == "receipt" and doc.reason == "donation" and doc.status == "draft"
    with pytest.raises(ValidationError):  # not counted in yet
        donations.allocate(users["admin"], d.pk, {"town": towns["旧县街道"], "item": quilt, "quantity": 10,
                                                  "purpose": "衣被"})
    supplies.post(SYSTEM, doc.pk)
    a = donations.allocate(users["admin"], d.pk, {"town": towns["旧县街道"], "item": quilt, "quantity": 60,
                                                  "purpose": "衣被", "household": "王某"})
    assert a.document.kind == "issue" and a.document.status == "draft"
    with pytest.raises(ValidationError):
        donations.allocate(users["admin"], d.pk, {"town": towns["旧县街道"], "item": quilt, "quantity": 41,
                                                  "purpose": "衣被"})


def test_donations_need_the_permission_and_clear_errors(users, bureau):
    with pytest.raises(PermissionDenied):
        donations.record_donation(users["leader"], {"unit": bureau, "donor": "x", "form": "money", "amount": "1"})
    with pytest.raises(ValidationError) as caught:
        donations.record_donation(users["admin"], {"unit": bureau, "donor": "", "form": "money", "amount": "-1"})
    assert {"donor", "amount"} <= set(caught.value.message_dict)
    assert not Donation.objects.exists()


def test_funds_balance_and_scope(users, towns):
    funds.allocate_fund(users["admin"], {"region": towns["旧县街道"], "source": "central", "amount": "1000",
                                         "purpose": "冬春救助"})
    with pytest.raises(ValidationError) as caught:
        funds.record_use(users["jiuxian"], {"region": towns["旧县街道"], "source": "central", "kind": "project",
                                            "amount": "1500", "description": "采购"})
    assert "amount" in caught.value.message_dict
    funds.record_use(users["jiuxian"], {"region": towns["旧县街道"], "source": "central", "kind": "households",
                                        "amount": "600", "households": 2, "description": "发放"})
    assert funds.balances([towns["旧县街道"].pk])[(towns["旧县街道"].pk, "central")] == Decimal("400")
    with pytest.raises(ValidationError):  # another town's money
        funds.record_use(users["jiuxian"], {"region": towns["虎峰镇"], "source": "central", "kind": "project",
                                            "amount": "1", "description": "x"})
    assert not Fund.objects.visible_to(users["hufeng"]).exists()
    with pytest.raises(PermissionDenied):
        funds.allocate_fund(users["jiuxian"], {"region": towns["旧县街道"], "source": "central", "amount": "1",
                                               "purpose": "x"})


def test_findings(users, towns):
    import datetime as dt

    f = funds.save_finding(users["admin"], {"region": towns["虎峰镇"], "kind": "false_claim", "unit_name": "某村委会",
                                            "amount": "2400", "found_on": dt.date.today(), "description": "虚报人口"})
    with pytest.raises(ValidationError) as caught:
        funds.save_finding(users["admin"], {"region": towns["虎峰镇"], "kind": "false_claim", "unit_name": "某村委会",
                                            "amount": "2400", "found_on": dt.date.today(), "description": "虚报人口",
                                            "status": "closed"}, pk=f.pk)
    assert "handling" in caught.value.message_dict
    funds.save_finding(users["admin"], {"region": towns["虎峰镇"], "kind": "false_claim", "unit_name": "某村委会",
                                        "amount": "2400", "recovered": "2400", "found_on": dt.date.today(),
                                        "description": "虚报人口", "handling": "追回并处分", "status": "closed"}, pk=f.pk)
    f.refresh_from_db()
    assert f.status == Finding.Status.CLOSED and f.closed_on
