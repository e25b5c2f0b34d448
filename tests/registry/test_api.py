"""/api/v1/enterprises: list, detail, create, update with scope and 422 field errors."""

import pytest
from django.test import Client

from anying.core.audit import history
from anying.core.services import create_token, revoke_token
from anying.registry import creditcode
from anying.registry.models import Enterprise


@pytest.fixture
def api(users):
    def make(username):
        _, secret = create_token(None, users[username], "test")
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return client

    return make


def test_openapi_is_published(db):
    spec = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/enterprises/" in spec["paths"]
    assert spec["components"]["securitySchemes"]


def test_list_filters_and_paginates(api, make_enterprise):
    make_enterprise("旧县机械厂", "旧县街道", "机械", tags=["dust"])
    make_enterprise("旧县食品厂", "旧县街道", "轻工")
    make_enterprise("虎峰机械厂", "虎峰镇", "机械")
    client = api("admin")
    data = client.get("/api/v1/enterprises/?limit=2").json()
    assert data["count"] == 3 and len(data["items"]) == 2
    assert {i["name"] for i in client.get("/api/v1/enterprises/?tag=dust").json()["items"]} == {"旧县机械厂"}
    assert client.get("/api/v1/enterprises/?q=食品").json()["count"] == 1
    assert api("jingxin").get("/api/v1/enterprises/").json()["count"] == 3
    assert api("hufeng").get("/api/v1/enterprises/").json()["count"] == 1


def test_page_size_is_bounded(api, settings):
    assert settings.NINJA_PAGINATION_MAX_LIMIT == 1000
    client = api("admin")
    assert client.get("/api/v1/enterprises/?limit=1000").status_code == 200
    assert client.get("/api/v1/enterprises/?limit=100000").status_code == 422


def test_detail(api, make_enterprise):
    ent = make_enterprise("旧县机械厂", "旧县街道", "机械", tags=["dust", "confined_space"])
    body = api("jiuxian").get(f"/api/v1/enterprises/{ent.pk}").json()
    assert body["name"] == "旧县机械厂" and body["region"] == "旧县街道" and body["industry"] == "机械"
    assert sorted(body["tags"]) == ["confined_space", "dust"]


def test_create_and_update(api, town, industry):
    client = api("jiuxian")
    code = creditcode.synthetic(__import__("random").Random(5))
    payload = {"credit_code": code, "name": "接口企业", "region_id": town("旧县街道").pk,
               "industry_id": industry("机械").pk, "tags": ["dust"], "std_status": "certified", "std_grade": "3",
               "std_certificate_date": "2025-01-10"}
    response = client.post("/api/v1/enterprises/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["std_expiry_date"] == "2028-01-09" and body["tags"] == ["dust"]
    response = client.patch(f"/api/v1/enterprises/{body['id']}", {"employees": 42, "tags": []},
                            content_type="application/json")
    assert response.status_code == 200 and response.json()["employees"] == 42 and response.json()["tags"] == []
    ent = Enterprise.objects.get(pk=body["id"])
    events = list(history(ent))[::-1]
    assert [e.action for e in events] == ["create", "update"]
    assert events[1].before["employees"] is None and events[1].after["employees"] == 42


def test_bad_input_is_422_with_field_errors_and_changes_nothing(api, town, industry, make_enterprise):
    client = api("jiuxian")
    payload = {"credit_code": "91500151XXXXXXXXX1", "name": "坏企业", "region_id": town("旧县街道").pk,
               "industry_id": industry("机械").pk}
    response = client.post("/api/v1/enterprises/", payload, content_type="application/json")
    assert response.status_code == 422
    fields = {d["loc"][-1]: d["msg"] for d in response.json()["detail"]}
    assert "credit_code" in fields
    response = client.post("/api/v1/enterprises/", {**payload, "region_id": 999999, "tags": ["nope"]},
                           content_type="application/json")
    fields = {d["loc"][-1]: d["msg"] for d in response.json()["detail"]}
    assert fields == {"region": "镇街不存在", "tags": "未知风险标签：nope"}
    response = client.post("/api/v1/enterprises/", {"name": "x"}, content_type="application/json")
    assert response.status_code == 422
    response = client.post("/api/v1/enterprises/", {"employees": "many"}, content_type="application/json")
    assert response.status_code == 422
    assert Enterprise.objects.count() == 0
    ent = make_enterprise("旧县机械厂", "旧县街道", "机械")
    response = client.patch(f"/api/v1/enterprises/{ent.pk}", {"region_id": town("虎峰镇").pk},
                            content_type="application/json")
    assert response.status_code == 422
    assert Enterprise.objects.get(pk=ent.pk).region.name == "旧县街道"


def test_read_only_roles_get_403_on_write(api, make_enterprise):
    ent = make_enterprise("旧县机械厂", "旧县街道", "机械")
    response = api("leader").patch(f"/api/v1/enterprises/{ent.pk}", {"employees": 3}, content_type="application/json")
    assert response.status_code == 403


def test_revoked_token_is_refused(users):
    token, secret = create_token(None, users["admin"], "t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/enterprises/").status_code == 200
    revoke_token(users["admin"], token)
    assert client.get("/api/v1/enterprises/").status_code == 401
