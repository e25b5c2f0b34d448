"""/api/v1/inspections: plans, draws (read and create), inspections, penalties — scoped."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from anying.core.services import create_token
from anying.inspections import penalties, plans, records

from .test_records import kwargs


@pytest.fixture
def api():
    def make(user):
        _, secret = create_token(None, user, "t")
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return make


def test_reads_are_scoped(setup, users, api):
    plan = plans.generate(users["yingji"], setup["bureau"], timezone.localdate().year)
    inspection = records.record(users["yingji"], setup["ent"], **kwargs(setup))
    penalty = penalties.file_case(users["yingji"], setup["ent"], {
        "party_name": "x", "facts": "x", "evidence": "x", "violated": "x", "legal_basis": "x",
        "amount": Decimal("100.00")}, inspection=inspection)
    town = api(users["jiuxian"])
    assert town.get("/api/v1/inspections/").json()["items"][0]["id"] == inspection.pk
    got = town.get(f"/api/v1/inspections/penalties/{penalty.pk}").json()
    assert got["amount"] == "100.00" and got["decide_within"] == 30 and got["decide_by"] == str(penalty.decide_by)
    assert town.get("/api/v1/inspections/plans").json()["count"] == 0  # the bureau's plan is above the town
    district = api(users["admin"])
    assert district.get(f"/api/v1/inspections/plans/{plan.pk}/items").json()["count"] == plan.items.count()
    other = api(users["hufeng"])
    assert other.get("/api/v1/inspections/").json()["count"] == 0
    assert other.get(f"/api/v1/inspections/{inspection.pk}").status_code == 404
    assert other.get(f"/api/v1/inspections/penalties/{penalty.pk}").status_code == 404
    assert Client().get("/api/v1/inspections/").status_code == 401


def test_create_a_draw(setup, users, api):
    client = api(users["yingji"])
    response = client.post("/api/v1/inspections/draws", {"title": "抽查", "targets": 1, "ratios": {"key": 1}},
                           content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["algorithm"] == "anying-draw-v1" and len(body["targets"]) == 1
    assert len(body["targets"][0]["inspectors"]) == 2
    bad = client.post("/api/v1/inspections/draws", {"title": "x", "targets": 0, "ratios": {"key": 1}},
                      content_type="application/json")
    assert bad.status_code == 422 and "targets" in str(bad.json())
    assert api(users["leader"]).post("/api/v1/inspections/draws", {"title": "x", "targets": 1, "ratios": {"key": 1}},
                                     content_type="application/json").status_code == 403


def test_non_finite_ratios_are_refused(setup, users, api):
    client = api(users["yingji"])
    body = '{"title": "x", "targets": 1, "ratios": {"key": NaN, "general": 1}}'
    response = client.post("/api/v1/inspections/draws", body, content_type="application/json")
    assert response.status_code == 422
    assert client.post("/api/v1/inspections/draws", '{"title": "x", "targets": 1, "ratios": {"key": Infinity}}',
                       content_type="application/json").status_code == 422
