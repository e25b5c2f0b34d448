"""/api/v1/hazards: scoped list/detail/create, attachments and transitions."""


import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from anying.core.services import create_token
from anying.hazards.models import Hazard
from tests.conftest import png_bytes


@pytest.fixture
def api(users):
    def make(user):
        _, secret = create_token(None, user, "t")
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return make


def test_list_detail_and_scope(factory, users, api):
    hazard = factory(level="major")
    factory()
    body = api(users["jiuxian"]).get("/api/v1/hazards/?level=major").json()
    assert body["count"] == 1 and body["items"][0]["criterion"] == "gongmao_2023:第十一条（三）"
    assert api(users["hufeng"]).get("/api/v1/hazards/").json()["count"] == 0
    assert api(users["hufeng"]).get(f"/api/v1/hazards/{hazard.pk}").status_code == 404
    assert Client().get("/api/v1/hazards/").status_code == 401


def test_create_validates_and_respects_scope(factory, users, api):
    client = api(users["jiuxian"])
    payload = {"enterprise_id": factory.enterprise.pk, "place": "配电房", "description": "线路老化", "found_by": "检查组",
               "found_on": timezone.localdate().isoformat(), "accident_type": "WSA10001"}
    response = client.post("/api/v1/hazards/", payload, content_type="application/json")
    assert response.status_code == 201 and response.json()["accident_type"] == "WSA10001"
    bad = client.post("/api/v1/hazards/", {**payload, "level": "major", "accident_type": "NOPE"},
                      content_type="application/json")
    assert bad.status_code == 422
    fields = {d["loc"][-1] for d in bad.json()["detail"]}
    assert fields == {"accident_type"}
    assert api(users["hufeng"]).post("/api/v1/hazards/", payload, content_type="application/json").status_code == 404
    assert api(users["leader"]).post("/api/v1/hazards/", payload, content_type="application/json").status_code == 403
    assert Hazard.objects.count() == 1


def test_evidence_upload_then_transitions(factory, users, api, enterprise_user):
    hazard = factory(status="rectifying")
    owner = api(enterprise_user(factory.enterprise))
    fake = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\nnope", content_type="image/png")
    assert owner.post(f"/api/v1/hazards/{hazard.pk}/attachments", {"file": fake}).status_code == 422
    good = SimpleUploadedFile("after.png", png_bytes(), content_type="image/png")
    uploaded = owner.post(f"/api/v1/hazards/{hazard.pk}/attachments", {"file": good})
    assert uploaded.status_code == 201
    evidence = uploaded.json()["id"]
    response = owner.post(f"/api/v1/hazards/{hazard.pk}/transitions", {"name": "submit", "comment": "已整改"},
                          content_type="application/json")
    assert response.status_code == 422
    response = owner.post(f"/api/v1/hazards/{hazard.pk}/transitions",
                          {"name": "submit", "comment": "已整改", "evidence_ids": [evidence]}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    inspector = api(users["jiuxian"])
    stolen = inspector.post(f"/api/v1/hazards/{hazard.pk}/transitions", {"name": "close", "evidence_ids": [evidence]},
                            content_type="application/json")
    assert stolen.status_code == 422  # evidence must be the caller's own upload
    done = inspector.post(f"/api/v1/hazards/{hazard.pk}/transitions", {"name": "close"}, content_type="application/json")
    assert done.json()["status"] == "closed"
    again = inspector.post(f"/api/v1/hazards/{hazard.pk}/transitions", {"name": "close"}, content_type="application/json")
    assert again.status_code == 422 and "已销号" in again.json()["detail"][0]["msg"]
    assert api(users["leader"]).post(f"/api/v1/hazards/{hazard.pk}/transitions", {"name": "send_back", "comment": "x"},
                                     content_type="application/json").status_code == 403
