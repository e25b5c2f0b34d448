"""The pages: each renders for a keeper and a district user, within a pinned number of queries,
writes go through the services, and records out of scope answer 404."""

import json

import pytest
from django.urls import reverse

from anying.supplies.models import LedgerEntry, Lot, StockBalance, StockDocument, Transfer

from .conftest import days


@pytest.fixture
def stocked(stores, catalogue, users, receive):
    receive(users["yingji"], stores["district"], catalogue["FH-008"], 5000, batch="2026", expiry=days(700))
    receive(users["jiuxian"], stores["jiuxian"], catalogue["FH-003"], 50, batch="A", expiry=days(30))
    receive(users["jiuxian"], stores["jiuxian"], catalogue["FH-003"], 20, batch="B", expiry=days(300))
    return stores


def test_pages_render(stocked, users, login, catalogue, django_assert_max_num_queries):
    client = login(users["jiuxian"])
    wh = stocked["jiuxian"]
    doc = StockDocument.objects.filter(warehouse=wh).first()
    for url in [reverse("supplies:warehouse_list"), reverse("supplies:warehouse_detail", args=[wh.pk]),
                reverse("supplies:ledger", args=[wh.pk]), reverse("supplies:balance_list"),
                reverse("supplies:item_balance", args=[catalogue["FH-003"].pk]), reverse("supplies:document_list"),
                reverse("supplies:document_new"), reverse("supplies:document_detail", args=[doc.pk]),
                reverse("supplies:transfer_list"), reverse("supplies:transfer_new"), reverse("supplies:warehouse_edit", args=[wh.pk]),
                reverse("supplies:warehouse_new"),
                reverse("supplies:nearby") + f"?item={catalogue['FH-008'].pk}&latitude=29.8&longitude=106.1&km=50"]:
        with django_assert_max_num_queries(30):
            response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("supplies:warehouse_detail", args=[wh.pk])).content.decode()
    assert "临期" in page and "救生衣" in page
    near = client.get(reverse("supplies:nearby") + f"?item={catalogue['FH-008'].pk}&latitude=29.8&longitude=106.1&km=50")
    assert "区级应急物资储备库" in near.content.decode() and "5000" in near.content.decode()
    for url in [reverse("supplies:warehouse_list") + "?format=xlsx", reverse("supplies:balance_list") + "?format=xlsx"]:
        assert client.get(url)["Content-Type"].startswith("application/vnd.openxmlformats")


def test_other_town_gets_404(stocked, users, login):
    client = login(users["hufeng"])
    wh = stocked["jiuxian"]
    doc = StockDocument.objects.filter(warehouse=wh).first()
    for url in [reverse("supplies:warehouse_detail", args=[wh.pk]), reverse("supplies:ledger", args=[wh.pk]),
                reverse("supplies:document_detail", args=[doc.pk])]:
        assert client.get(url).status_code == 404, url
    # the district's shared warehouse: stock yes, books no
    page = client.get(reverse("supplies:ledger", args=[stocked["district"].pk])).content.decode()
    assert "仅管理单位可见" in page


def test_issue_through_the_page_fefo(stocked, users, login, catalogue):
    client = login(users["jiuxian"])
    wh = stocked["jiuxian"]
    response = client.post(reverse("supplies:document_new"), {
        "kind": "issue", "warehouse": wh.pk, "counterparty": "旧县街道村民", "item_1": catalogue["FH-003"].pk,
        "quantity_1": "55", "post": "1"})
    assert response.status_code == 302
    assert dict(Lot.objects.filter(warehouse=wh).values_list("batch", "quantity")) == {"A": 0, "B": 15}
    response = client.post(reverse("supplies:document_new"), {
        "kind": "issue", "warehouse": wh.pk, "item_1": catalogue["FH-003"].pk, "quantity_1": "99", "post": "1"})
    assert response.status_code == 200 and "库存不足" in response.content.decode()
    assert StockBalance.objects.get(warehouse=wh).quantity == 15
    assert StockDocument.objects.filter(kind="issue").count() == 1  # no draft left behind
    assert 'value="99"' in response.content.decode()  # the typed line is kept


def test_transfer_through_the_pages(stocked, users, login, catalogue):
    town, leader, bureau = login(users["jiuxian"]), login(users["leader"]), login(users["yingji"])
    response = town.post(reverse("supplies:transfer_new"), {
        "from_warehouse": stocked["district"].pk, "to_warehouse": stocked["jiuxian"].pk, "purpose": "防汛",
        "item_1": catalogue["FH-008"].pk, "quantity_1": "300"})
    assert response.status_code == 302
    t = Transfer.objects.get()
    url = reverse("supplies:transfer_act", args=[t.pk])
    assert "批准" in leader.get(reverse("supplies:transfer_detail", args=[t.pk])).content.decode()
    leader.post(url, {"step": "approve"})
    bureau.post(url, {"step": "dispatch"})
    town.post(url, {"step": "receive"})
    t.refresh_from_db()
    assert t.status == Transfer.Status.RECEIVED
    assert StockBalance.objects.get(warehouse=stocked["jiuxian"], item=catalogue["FH-008"]).quantity == 300
    assert LedgerEntry.objects.filter(document__transfer=t).count() == 2


def test_warehouses_on_the_map(stocked, users, login, catalogue):
    """The warehouses layer of 一张图: the town sees its own and the shared district store; the
    item filter keeps those holding it; a garbage filter value lists nothing rather than failing."""
    client = login(users["jiuxian"])
    url = reverse("map_layer", args=["warehouses"])
    box = {"bbox": "105,29,107,31"}
    def names(params):
        return {p["name"] for p in client.get(url, {**box, **params}).json()["points"]}

    assert names({}) == {"区级应急物资储备库", "旧县街道应急物资仓库"}
    assert names({"item": "FH-008"}) == {"区级应急物资储备库"}
    assert names({"item": "²"}) == set()
    near = client.get(reverse("map_nearest"), {"lat": 29.8, "lon": 106.1, "layers": "warehouses", "item": "FH-008"})
    assert near.status_code == 200 and "区级应急物资储备库" in json.dumps(near.json(), ensure_ascii=False)
