"""Accidents API: scope (404), permission (403), field errors (422), computed grade."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from anying.core.services import create_token
from anying.oversight import accidents
from anying.oversight.models import Accident
from anying.standards.models import AccidentType

pytestmark = pytest.mark.django_db


def api(user):
    _, secret = create_token(None, user, "test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def ents(make_enterprise):
    return make_enterprise("旧县机械厂", "旧县街道", "机械"), make_enterprise("虎峰建材厂", "虎峰镇", "建材")


@pytest.fixture
def kinds():
    return AccidentType.objects.get(code="WSA10004")


def _record(user, enterprise, kind, **data):
    return accidents.record(user, {"occurred_at": timezone.now() - dt.timedelta(days=2), "place": "车间",
                                   "enterprise": enterprise, "accident_type": kind, "summary": "伤人", **data})


def test_list_detail_scope(ents, kinds, users, enterprise_user):
    mine = _record(users["admin"], ents[0], kinds, deaths=3)
    theirs = _record(users["admin"], ents[1], kinds)
    town = api(users["jiuxian"])
    data = town.get("/api/v1/accidents/").json()
    assert [a["id"] for a in data["items"]] == [mine.pk]
    assert data["items"][0]["grade"] == "larger" and data["items"][0]["grade_label"] == "较大事故"
    detail = town.get(f"/api/v1/accidents/{mine.pk}").json()
    assert detail["investigation"] is None and detail["lookbacks"] == [] and detail["unit"] == "旧县街道应急办"
    assert town.get(f"/api/v1/accidents/{theirs.pk}").status_code == 404
    assert api(enterprise_user(ents[0])).get("/api/v1/accidents/").status_code == 403
    admin = api(users["admin"])
    assert [a["id"] for a in admin.get("/api/v1/accidents/?grade=larger").json()["items"]] == [mine.pk]
    assert len(admin.get(f"/api/v1/accidents/?year={timezone.localdate().year}").json()["items"]) == 2
    assert admin.get("/api/v1/accidents/?year=1900").status_code == 422
    assert admin.get("/api/v1/accidents/?grade=huge").status_code == 422


def test_create(ents, kinds, users):
    body = {"occurred_at": (timezone.now() - dt.timedelta(hours=5)).isoformat(), "place": "车间",
            "enterprise_id": ents[0].pk, "accident_type": kinds.code, "deaths": 0, "serious_injuries": 10,
            "direct_loss": "120000.50", "summary": "机械伤害", "grade": "general"}
    response = api(users["jiuxian"]).post("/api/v1/accidents/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["grade"] == "larger" and data["direct_loss"] == "120000.50"  # computed, never sent
    assert Accident.objects.get().created_by == users["jiuxian"]


@pytest.mark.parametrize("change, field", [
    ({"accident_type": "XX"}, "accident_type"), ({"deaths": -1}, "deaths"), ({"place": ""}, "place"),
    ({"enterprise_id": None}, "region"), ({"occurred_at": "yesterday"}, "occurred_at"),
    ({"direct_loss": "-1"}, "direct_loss")])
def test_create_field_errors(ents, kinds, users, change, field):
    body = {"occurred_at": timezone.now().isoformat(), "place": "车间", "enterprise_id": ents[0].pk,
            "accident_type": kinds.code, "summary": "伤人", **change}
    response = api(users["admin"]).post("/api/v1/accidents/", body, content_type="application/json")
    assert response.status_code == 422
    assert any(field in d["loc"] for d in response.json()["detail"])
    assert not Accident.objects.exists()


def test_create_permission_and_scope(ents, kinds, users):
    body = {"occurred_at": timezone.now().isoformat(), "place": "车间", "enterprise_id": ents[1].pk,
            "accident_type": kinds.code, "summary": "伤人"}
    assert api(users["leader"]).post("/api/v1/accidents/", body, content_type="application/json").status_code == 403
    response = api(users["jiuxian"]).post("/api/v1/accidents/", body, content_type="application/json")
    assert response.status_code == 422  # another town's enterprise is not found
    assert not Accident.objects.exists()


def test_out_of_range_ids_and_ancient_dates_are_422_not_a_wider_list(users, town):
    from django.test import Client

    from anying.core.services import create_token

    _, secret = create_token(None, users["admin"], "t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/accidents/?region=99999999999999999999").status_code == 422
    assert client.get("/api/v1/accidents/?enterprise=0").status_code == 422
    response = client.post("/api/v1/accidents/", {"occurred_at": "0001-01-01T00:00:00", "place": "车间",
                                                  "region_id": town("旧县街道").pk, "party": "某作坊",
                                                  "industry_id": 1, "accident_type": "WSA10004",
                                                  "deaths": 0, "serious_injuries": 0, "direct_loss": "0",
                                                  "summary": "x"}, content_type="application/json")
    assert response.status_code == 422
    assert [e["loc"][-1] for e in response.json()["detail"]] == ["occurred_at"], response.json()
