"""The incident API: intake pushed from another system, the chain, reports, my dues; scope."""

import datetime as dt
import json

from django.test import Client
from django.utils import timezone

from anying.core.models import Region
from anying.core.services import create_token
from anying.incidents.models import Incident


def api(user):
    token = create_token(user, user, "测试")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_linkage_system_pushes_an_incident_and_the_desk_reports_through_the_api(users, desks):
    client = api(users["jiuxian"])
    occurred = timezone.now() - dt.timedelta(hours=1)
    response = client.post("/api/v1/incidents/", json.dumps({
        "title": "119转警：仓库火灾", "kind": "fire", "occurred_at": occurred.isoformat(), "source": "linkage",
        "region_id": Region.objects.get(name="旧县街道").pk, "place": "物流园", "description": "仓库起火",
        "injured": 1}), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["grade"] == "general" and body["kind"] == "fire"
    detail = client.get(f"/api/v1/incidents/{body['id']}").json()
    assert detail["dues"][0]["stage"] == "first" and detail["dues"][0]["article"] == "第十一条"
    report = client.post(f"/api/v1/incidents/{body['id']}/reports", json.dumps({"stage": "first", "content": "首报"}),
                         content_type="application/json")
    assert report.status_code == 201 and report.json()["label"] == "首报"
    dues = api(users["duty"]).get("/api/v1/incidents/dues").json()
    assert [d["unit"] for d in dues] == ["区应急局"]  # the district's own two hours now run
    assert api(users["hufeng"]).get(f"/api/v1/incidents/{body['id']}").status_code == 404
    listed = client.get("/api/v1/incidents/?status=open").json()
    assert listed["count"] == 1 if isinstance(listed, dict) else len(listed) == 1


def test_bad_input_is_refused_with_nothing_saved(users, desks):
    client = api(users["jiuxian"])
    response = client.post("/api/v1/incidents/", json.dumps({
        "title": "x", "kind": "flood", "occurred_at": timezone.now().isoformat(), "source": "phone",
        "region_id": Region.objects.get(name="旧县街道").pk, "place": "x", "description": "x"}),
        content_type="application/json")
    assert response.status_code == 422 and "研判" in response.json()["detail"][0]["msg"]
    assert not Incident.objects.exists()
