"""The place base, the map's layers and the nearest-resource search (issue #14 points 1 and 5)."""

import json
import math
import random
import sqlite3
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from anying.core.models import AuditEvent, Organisation
from anying.places import layers, nearest, services, views
from anying.places.models import Place, RegionOutline

Q = Decimal("0.000001")


def place(name, owner, region, lat, lon, kind=Place.Kind.SHELTER, **extra):
    return Place.objects.create(name=name, kind=kind, owner=owner, region=region, latitude=Decimal(lat).quantize(Q),
                                longitude=Decimal(lon).quantize(Q), **extra)


@pytest.fixture
def world(district, town):
    bureau = Organisation.objects.get(name="区应急局")
    jiuxian, hufeng = town("旧县街道"), town("虎峰镇")
    jx_office = Organisation.objects.get(region=jiuxian, kind=Organisation.Kind.TOWN_OFFICE)
    hf_office = Organisation.objects.get(region=hufeng, kind=Organisation.Kind.TOWN_OFFICE)
    return {
        "district_shared": place("区级共享避难场所", bureau, district, 29.80, 106.05, dispatchable=True),
        "district_own": place("区级内部场所", bureau, district, 29.81, 106.06),
        "jiuxian": place("旧县避难场所", jx_office, jiuxian, 29.82, 106.07),
        "hufeng": place("虎峰避难场所", hf_office, hufeng, 29.83, 106.08),
    }


def test_a_town_sees_its_own_places_and_the_districts_dispatchable_ones(world, users, make_enterprise, enterprise_user):
    seen = set(Place.objects.visible_to(users["jiuxian"]).values_list("name", flat=True))
    assert seen == {"旧县避难场所", "区级共享避难场所"}
    assert set(Place.objects.visible_to(users["admin"]).values_list("name", flat=True)) == {p.name for p in world.values()}
    qiye = enterprise_user(make_enterprise("某企业", "旧县街道", "机械"))
    assert not Place.objects.visible_to(qiye).exists()  # an enterprise: only its own organisation's


def test_coordinates_are_checked_in_chinese(world, users):
    p = world["jiuxian"]
    p.latitude, p.longitude = Decimal("106.07"), Decimal("29.82")  # swapped
    with pytest.raises(ValidationError, match="填反"):
        services.save_place(users["admin"], p)
    p.latitude, p.longitude = Decimal("48.85"), Decimal("2.35")  # Paris
    with pytest.raises(ValidationError, match="不在中国境内"):
        services.save_place(users["admin"], p)
    p.refresh_from_db()
    assert p.latitude == Decimal("29.820000")


def test_saving_a_place_outside_the_territory_is_refused_and_changes_are_audited(world, users, town):
    p = world["hufeng"]
    p.name = "改名"
    with pytest.raises(ValidationError, match="不在您管理的区划范围内"):
        services.save_place(users["jiuxian"], p)
    services.save_place(users["admin"], p)
    event = AuditEvent.objects.filter(object_id=str(p.pk)).latest("id")
    assert event.after["name"] == "改名" and event.before["name"] == "虎峰避难场所"


def test_nearest_is_exact_against_brute_force(world, users, district):
    bureau = Organisation.objects.get(name="区应急局")
    rng = random.Random(7)
    for n in range(300):
        place(f"点{n}", bureau, district, 29.5 + rng.random() * 0.8, 105.7 + rng.random() * 0.8)
    layer = layers.REGISTRY["shelters"]
    for _ in range(5):
        lat, lon = 29.5 + rng.random() * 0.8, 105.7 + rng.random() * 0.8
        hits = nearest.nearest(layer, users["admin"], lat, lon, limit=10)
        every = sorted(nearest.haversine_km(lat, lon, float(p.latitude), float(p.longitude))
                       for p in Place.objects.filter(kind=Place.Kind.SHELTER))
        assert [round(h.km, 6) for h in hits] == [round(k, 6) for k in every[:10]]


def test_haversine_against_a_known_distance():
    # 重庆解放碑 to 成都天府广场: about 266 km in a straight line
    assert math.isclose(nearest.haversine_km(29.5575, 106.5774, 30.6574, 104.0658), 268.0, abs_tol=4)


def test_the_nearest_search_respects_scope(world, users, login):
    client = login(users["jiuxian"])
    data = client.get(reverse("map_nearest"), {"lat": "29.83", "lon": "106.08"}).json()
    shelters = next(la for la in data["layers"] if la["code"] == "shelters")
    assert [h["name"] for h in shelters["hits"]] == ["旧县避难场所", "区级共享避难场所"]  # never 虎峰's
    assert shelters["hits"][0]["km"] > 0
    bad = client.get(reverse("map_nearest"), {"lat": "abc", "lon": "106"})
    assert bad.status_code == 400 and "请在地图上点选位置" in bad.json()["error"]


def test_a_layer_answers_the_points_in_the_box_and_cells_when_too_many(world, users, login, monkeypatch, district):
    client = login(users["admin"])
    url = reverse("map_layer", args=["shelters"])
    data = client.get(url, {"bbox": "106.0,29.79,106.065,29.815"}).json()
    assert sorted(p["name"] for p in data["points"]) == sorted(["区级内部场所", "区级共享避难场所"])
    assert client.get(url, {"bbox": "1,2,3"}).status_code == 400
    # a box a ten-millionth of a degree wide, holding too many to draw, still answers cells
    place("同点", world["district_own"].owner, district, 29.80, 106.05)
    monkeypatch.setattr(views, "POINTS_MAX", 1)
    tiny = client.get(url, {"bbox": "106.0499999,29.7999999,106.0500001,29.8000001"}).json()
    assert sum(c["count"] for c in tiny["clusters"]) == 2
    monkeypatch.setattr(views, "POINTS_MAX", 2000)
    Place.objects.filter(name="同点").delete()
    monkeypatch.setattr(views, "POINTS_MAX", 2)
    cache.clear()
    data = client.get(url, {"bbox": "105,29,107,31"}).json()
    assert "points" not in data and sum(c["count"] for c in data["clusters"]) == 4
    # the same cells answer a slightly panned map (cached), and a new place shows after the cache
    assert client.get(url, {"bbox": "105.01,29.01,107.01,31.01"}).json() == data
    place("新增", world["jiuxian"].owner, world["jiuxian"].region, 29.85, 106.1)
    cache.clear()
    assert sum(c["count"] for c in client.get(url, {"bbox": "105,29,107,31"}).json()["clusters"]) == 5
    assert client.get(reverse("map_layer", args=["no_such"]), {"bbox": "105,29,107,31"}).status_code == 404


def test_the_enterprise_layer_is_scoped_and_filtered(users, login, make_enterprise):
    mine = make_enterprise("旧县测试企业", "旧县街道", "机械", latitude=Decimal("29.9"), longitude=Decimal("106.1"))
    make_enterprise("虎峰测试企业", "虎峰镇", "机械", latitude=Decimal("29.91"), longitude=Decimal("106.11"))
    client = login(users["jiuxian"])
    data = client.get(reverse("map_layer", args=["enterprises"]), {"bbox": "106.0,29.85,106.2,29.95"}).json()
    names = {p["name"] for p in data["points"]}
    assert "旧县测试企业" in names and "虎峰测试企业" not in names
    point = next(p for p in data["points"] if p["name"] == "旧县测试企业")
    assert point["url"] == reverse("enterprise_detail", args=[mine.pk])
    data = client.get(reverse("map_layer", args=["enterprises"]),
                      {"bbox": "106.0,29.85,106.2,29.95", "std_status": "certified"}).json()
    assert "旧县测试企业" not in {p["name"] for p in data["points"]}


def test_the_map_page_and_who_may_see_it(world, users, login, make_enterprise, enterprise_user):
    page = login(users["jiuxian"]).get(reverse("map"))
    assert page.status_code == 200
    config = json.loads(page.content.decode().split('id="ay-map-config" type="application/json">')[1].split("</script>")[0])
    assert {"enterprises", "shelters"} <= {la["code"] for la in config["layers"]}
    assert config["base"]["kind"] == "none"
    qiye = enterprise_user(make_enterprise("某企业", "旧县街道", "机械"))
    assert login(qiye).get(reverse("map")).status_code in (403, 404)


def test_region_outlines_import_and_draw(users, login, tmp_path, district):
    ring = [[106.0, 29.8], [106.1, 29.8], [106.1, 29.9], [106.0, 29.8]]
    path = tmp_path / "towns.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "旧县街道"}, "geometry": {"type": "Polygon", "coordinates": [ring]}},
        {"type": "Feature", "properties": {"name": "不存在镇"}, "geometry": {"type": "Polygon", "coordinates": [ring]}},
        {"type": "Feature", "properties": {"name": "虎峰镇"}, "geometry": {"type": "Point", "coordinates": [106, 29]}},
    ]}), encoding="utf-8")
    call_command("import_outlines", str(path))
    assert list(RegionOutline.objects.values_list("region__name", flat=True)) == ["旧县街道"]
    features = login(users["jiuxian"]).get(reverse("map_outlines")).json()["features"]
    assert [f["properties"]["name"] for f in features] == ["旧县街道"]
    assert login(users["hufeng"]).get(reverse("map_outlines")).json()["features"] == []


def test_offline_tiles_from_an_mbtiles_file(users, login, tmp_path, settings):
    path = tmp_path / "base.mbtiles"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name text, value text)")
        db.execute("CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)")
        db.execute("INSERT INTO metadata VALUES ('format', 'png')")
        db.execute("INSERT INTO tiles VALUES (3, 6, 4, ?)", (b"\x89PNG-tile",))  # TMS row 4 = XYZ y 3 at z 3
    settings.ANYING_MAP_TILES, settings.ANYING_MAP_MBTILES = "mbtiles", str(path)
    client = login(users["jiuxian"])
    response = client.get(reverse("map_tile", args=[3, 6, 3]))
    assert response.status_code == 200 and response.content == b"\x89PNG-tile" and response["Content-Type"] == "image/png"
    assert client.get(reverse("map_tile", args=[3, 6, 4])).status_code == 404
    assert client.get(reverse("map_tile", args=[3, 2 ** 70, 1])).status_code == 404  # off the grid: no 500
    settings.ANYING_MAP_MBTILES = str(tmp_path / "missing.mbtiles")
    assert client.get(reverse("map_tile", args=[3, 6, 3])).status_code == 404
    assert views.base_map()["layers"][0].endswith("/map/tiles/{z}/{x}/{y}")


def test_tianditu_needs_a_key(settings):
    settings.ANYING_MAP_TILES, settings.ANYING_TIANDITU_KEY = "tianditu", ""
    assert views.base_map()["kind"] == "none"
    settings.ANYING_TIANDITU_KEY = "abc123"
    base = views.base_map()
    assert base["kind"] == "xyz" and all("tk=abc123" in url for url in base["layers"])



def test_the_shelter_register(world, users, login):
    client = login(users["jiuxian"])
    page = client.get(reverse("shelter_list")).content.decode()
    assert "旧县避难场所" in page and "区级共享避难场所" in page and "虎峰避难场所" not in page
    town = world["jiuxian"].region
    form = {"name": "旧县小学避难场所", "owner": world["jiuxian"].owner_id, "region": town.pk, "address": "旧县街道学府路",
            "latitude": "106.1", "longitude": "29.8", "capacity": "600", "is_active": "on"}
    response = client.post(reverse("shelter_create"), form)
    assert response.status_code == 200 and "填反" in response.content.decode()  # nothing saved
    assert not Place.objects.filter(name="旧县小学避难场所").exists()
    response = client.post(reverse("shelter_create"), {**form, "latitude": "29.8", "longitude": "106.1"})
    assert response.status_code == 302
    saved = Place.objects.get(name="旧县小学避难场所")
    assert saved.kind == Place.Kind.SHELTER and AuditEvent.objects.filter(object_id=str(saved.pk)).exists()
    # another town's unit is not offered; the district's shared shelter cannot be edited by the town
    response = client.post(reverse("shelter_create"), {**form, "name": "越权", "owner": world["hufeng"].owner_id,
                                                       "latitude": "29.8", "longitude": "106.1"})
    assert response.status_code == 200 and not Place.objects.filter(name="越权").exists()
    assert client.get(reverse("shelter_edit", args=[world["district_shared"].pk])).status_code == 404
    export = client.get(reverse("shelter_list"), {"export": "xlsx"})
    assert export.status_code == 200


def test_every_layer_names_a_registered_permission():
    from anying.core import permissions

    assert {la.perm for la in layers.REGISTRY.values()} <= set(permissions.all_codes())


def test_the_places_api(world, users):
    from django.test import Client

    from anying.core.services import create_token

    _, token = create_token(None, users["jiuxian"], "t")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    names = {p["name"] for p in client.get("/api/v1/places/", {"kind": "shelter"}).json()["items"]}
    assert names == {"旧县避难场所", "区级共享避难场所"}
    assert client.get(f"/api/v1/places/{world['hufeng'].pk}").status_code == 404
    near = client.get("/api/v1/places/nearest", {"lat": 29.83, "lon": 106.08, "layers": "shelters"}).json()
    assert [h["name"] for h in near[0]["hits"]] == ["旧县避难场所", "区级共享避难场所"]
    assert client.get("/api/v1/places/nearest", {"lat": 99, "lon": 106}).status_code == 422


def test_nearest_never_ranks_a_truncated_box(world, users, district, monkeypatch):
    """With more rows in a box than it may bring back, the box shrinks instead of being cut short."""
    bureau = Organisation.objects.get(name="区应急局")
    rng = random.Random(11)
    for n in range(200):
        place(f"密{n}", bureau, district, 29.90 + rng.random() * 0.004, 106.00 + rng.random() * 0.004)
    monkeypatch.setattr(nearest, "CAP", 50)
    layer = layers.REGISTRY["shelters"]
    hits = nearest.nearest(layer, users["admin"], 29.902, 106.002, limit=5)
    every = sorted(nearest.haversine_km(29.902, 106.002, float(p.latitude), float(p.longitude))
                   for p in Place.objects.filter(kind=Place.Kind.SHELTER))
    assert [round(h.km, 6) for h in hits] == [round(k, 6) for k in every[:5]]
