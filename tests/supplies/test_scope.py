"""Scope (docs/supplies.md): a town sees its own warehouses and the district's shared ones (for
dispatch), never another town's; books (documents, ledger) stay the owner's and superiors'."""

from anying.supplies.models import LedgerEntry, Lot, StockDocument, Warehouse
from anying.supplies.services import save_warehouse


def names(qs):
    return set(qs.values_list("name", flat=True))


def test_town_sees_own_and_shared_district_warehouses(stores, users):
    assert names(Warehouse.objects.visible_to(users["jiuxian"])) == {"旧县街道应急物资仓库", "区级应急物资储备库"}
    assert names(Warehouse.objects.visible_to(users["yingji"])) == {w.name for w in stores.values()}
    district = stores["district"]
    place = district.place
    place.dispatchable = False
    place.save()
    assert names(Warehouse.objects.visible_to(users["jiuxian"])) == {"旧县街道应急物资仓库"}


def test_town_sees_stock_of_shared_but_not_its_books(stores, catalogue, users, receive):
    receive(users["yingji"], stores["district"], catalogue["FH-001"], 100)
    receive(users["hufeng"], stores["hufeng"], catalogue["FH-001"], 5)
    assert Lot.objects.visible_to(users["jiuxian"]).filter(warehouse=stores["district"]).exists()
    assert not Lot.objects.visible_to(users["jiuxian"]).filter(warehouse=stores["hufeng"]).exists()
    assert not StockDocument.objects.visible_to(users["jiuxian"]).exists()
    assert not LedgerEntry.objects.visible_to(users["jiuxian"]).exists()
    assert LedgerEntry.objects.visible_to(users["yingji"]).count() == 2


def test_enterprise_sees_nothing(stores, make_enterprise, enterprise_user):
    user = enterprise_user(make_enterprise())
    assert not Warehouse.objects.visible_to(user).exists()


def test_warehouse_edit_audited_and_place_kept(stores, users):
    wh = stores["jiuxian"]
    wh.keeper = "李保管"
    save_warehouse(users["jiuxian"], wh, place={"address": "旧县街道新址"})
    wh.refresh_from_db()
    assert wh.place.address == "旧县街道新址" and wh.place.kind == "warehouse" and wh.version == 2
    from anying.core.models import AuditEvent
    assert AuditEvent.objects.filter(object_id=str(wh.pk), action="update").exists()
