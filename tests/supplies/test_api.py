"""The API: lists scoped, FEFO issue through the API, bad input a Chinese 422, other town 404."""

from django.test import Client

from anying.core.services import create_token
from anying.supplies.models import StockBalance, Transfer

from .conftest import days


def client_of(user):
    _, secret = create_token(None, user, "t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_api_flow(stores, catalogue, users, receive):
    receive(users["yingji"], stores["district"], catalogue["FH-008"], 100, batch="A", expiry=days(100))
    town = client_of(users["jiuxian"])
    names = {w["name"] for w in town.get("/api/v1/supplies/warehouses").json()["items"]}
    assert names == {"区级应急物资储备库", "旧县街道应急物资仓库"}
    wh = stores["jiuxian"].pk
    r = town.post("/api/v1/supplies/documents", content_type="application/json", data={
        "kind": "receipt", "warehouse_id": wh, "lines": [{"item_id": catalogue["SH-005"].pk, "quantity": "40",
                                                          "batch": "W1", "expiry_date": str(days(10))}]})
    assert r.status_code == 201, r.content
    r = town.post("/api/v1/supplies/documents", content_type="application/json", data={
        "kind": "issue", "warehouse_id": wh, "lines": [{"item_id": catalogue["SH-005"].pk, "quantity": "50"}]})
    assert r.status_code == 422 and "库存不足" in r.json()["detail"][0]["msg"]
    detail = town.get(f"/api/v1/supplies/warehouses/{wh}").json()
    assert detail["balances"][0]["quantity"] == "40.000" and detail["lots"][0]["batch"] == "W1"
    assert client_of(users["hufeng"]).get(f"/api/v1/supplies/warehouses/{wh}").status_code == 404
    r = town.post("/api/v1/supplies/transfers", content_type="application/json", data={
        "from_warehouse_id": stores["district"].pk, "to_warehouse_id": wh, "purpose": "防汛",
        "lines": [{"item_id": catalogue["FH-008"].pk, "quantity": "10"}]})
    assert r.status_code == 201, r.content
    t = r.json()["id"]
    assert client_of(users["leader"]).post(f"/api/v1/supplies/transfers/{t}/steps/approve", content_type="application/json",
                                           data={}).status_code == 200
    assert client_of(users["yingji"]).post(f"/api/v1/supplies/transfers/{t}/steps/dispatch", content_type="application/json",
                                           data={}).status_code == 200
    assert town.post(f"/api/v1/supplies/transfers/{t}/steps/receive", content_type="application/json",
                     data={}).json()["status"] == "received"
    assert Transfer.objects.get().received_at is not None
    assert StockBalance.objects.get(warehouse_id=wh, item=catalogue["FH-008"]).quantity == 10
    near = town.get(f"/api/v1/supplies/items/{catalogue['FH-008'].pk}/nearby", {"latitude": 29.8,
                                                 "longitude": 106.1, "km": 30}).json()
    assert near["total"] == "100.000"  # 90 at the district, 10 in the town
