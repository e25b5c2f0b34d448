"""Pages and API: rights (404 without the code, 403 for a write the role lacks), scope (another
town's records are 404), the forms write through the services, the API lists and writes, the
值班台 panel and the map layer."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anying.core.models import AuditEvent, User
from anying.core.services import create_token
from anying.forestfire import entry
from anying.forestfire.models import Checkpoint, FireDanger, FireReport, FireUse, Patrol, Ranger


def api(user):
    _, secret = create_token(None, user, "t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.mark.django_db
def test_rights_and_scope_on_the_pages(demo, client):
    jiuxian_cp = Checkpoint.objects.get(place__region__name="旧县街道")
    client.force_login(User.objects.get(username="hufeng"))
    assert client.get(reverse("forestfire:checkpoint_detail", args=[jiuxian_cp.pk])).status_code == 404
    report = FireReport.objects.filter(town__name="旧县街道").first()
    assert client.get(reverse("forestfire:report_detail", args=[report.pk])).status_code == 404
    # a town sets no levels: the form is not offered and a POST is refused
    assert client.post(reverse("forestfire:levels"), {"region": jiuxian_cp.place.region_id, "day": "2026-01-01",
                                                      "level": 3}).status_code == 403
    client.force_login(User.objects.get(username="qiye"))  # an enterprise sees none of it
    assert client.get(reverse("forestfire:board")).status_code == 404


@pytest.mark.django_db
def test_the_forms_write_through_the_services(demo, client):
    admin = User.objects.get(username="admin")
    client.force_login(admin)
    town = Checkpoint.objects.get(place__region__name="旧县街道").place.region
    day = timezone.localdate() + dt.timedelta(days=2)
    response = client.post(reverse("forestfire:levels"), {"region": town.pk, "day": day.isoformat(), "level": 5})
    assert response.status_code == 302 and FireDanger.objects.get(region=town, day=day).level == 5
    ranger = Ranger.objects.filter(region=town).first()
    before = Patrol.objects.filter(ranger=ranger).count()
    start = timezone.localtime() - dt.timedelta(hours=3)
    response = client.post(reverse("forestfire:ranger_detail", args=[ranger.pk]), {
        "started_at": start.strftime("%Y-%m-%dT%H:%M"), "ended_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "route": "后山", "fire_use_stopped": 0, "fires_reported": 0})
    assert response.status_code == 302 and Patrol.objects.filter(ranger=ranger).count() == before + 1
    report = FireReport.objects.get(status="reported")
    client.force_login(User.objects.get(username="hufeng"))  # its town
    response = client.post(reverse("forestfire:report_check", args=[report.pk]), {
        "outcome": "fire", "comment": "林下火", "burnt_ha": "2.5", "version": report.version})
    report.refresh_from_db()
    assert response.status_code == 302 and report.status == "fire" and report.grade == "larger"
    assert AuditEvent.objects.filter(action="state", object_id=str(report.pk)).exists()


@pytest.mark.django_db
def test_the_api_lists_and_writes(demo):
    admin = User.objects.get(username="admin")
    client = api(admin)
    levels = client.get("/api/v1/forest/levels").json()
    assert levels["count"] >= 9
    cps = client.get("/api/v1/forest/checkpoints").json()
    assert {c["name"] for c in cps} == {"西山林场森林防火检查站", "巴岳山玉皇观森林防火检查站"}
    entries = client.get("/api/v1/forest/entries").json()
    assert entries["count"] > 0 and all("*" in e["id_masked"] for e in entries["items"])
    town = Checkpoint.objects.get(place__region__name="旧县街道").place.region
    day = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    r = client.post("/api/v1/forest/levels", {"region_id": town.pk, "day": day, "level": 4},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["source"] == "api"
    assert client.post("/api/v1/forest/levels", {"region_id": town.pk, "day": day, "level": 7},
                       content_type="application/json").status_code == 422
    r = client.post("/api/v1/forest/reports", {"source": "camera", "region_id": town.pk, "place": "瞭望塔",
                                               "description": "烟雾"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "reported"
    pending = FireUse.objects.filter(status="submitted").first()
    r = client.post(f"/api/v1/forest/fire-uses/{pending.pk}/steps/approve", {"comment": "同意"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    ranger = Ranger.objects.filter(region=town).first()
    start = timezone.now() - dt.timedelta(hours=3)
    r = api(User.objects.get(username="jiuxian")).post(f"/api/v1/forest/rangers/{ranger.pk}/patrols", {
        "started_at": start.isoformat(), "ended_at": (start + dt.timedelta(hours=1)).isoformat(), "route": "后山",
        "track": [[106.05, 29.84], [106.06, 29.85]]}, content_type="application/json")
    assert r.status_code == 200
    assert Patrol.objects.get(pk=r.json()["id"]).track == [[106.05, 29.84], [106.06, 29.85]]


@pytest.mark.django_db
def test_the_duty_desk_panel_and_the_map_layer(demo, client):
    client.force_login(User.objects.get(username="admin"))
    desk = client.get(reverse("incident_desk")).content.decode()
    assert "森林防火（今日火险、检查站、火情）" in desk and "火情待核查" in desk and "西山林场森林防火检查站" in desk
    layer = client.get(reverse("map_layer", args=["forest_checkpoints"]), {"bbox": "100,20,110,35"}).json()
    assert len(layer["points"]) == 2


@pytest.mark.django_db
def test_the_demo_has_what_the_issue_asks_for(demo):
    today = timezone.localdate()
    assert FireDanger.objects.filter(day=today, level__gte=3).exists()
    assert Checkpoint.objects.count() == 2 and all(c.entries.exists() for c in Checkpoint.objects.all())
    assert set(FireUse.objects.values_list("status", flat=True)) >= {"approved", "refused"}
    assert FireUse.objects.filter(status="refused", ban__isnull=False).exists()
    assert FireReport.objects.filter(status="fire", grade="general").exists()
    assert Patrol.objects.count() > 10
    entry.forget()
