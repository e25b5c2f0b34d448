"""The pages (list with totals, detail, forms, steps, photos, the standard), the export in the
台账 layout with the ID masked unless the reader holds houses.view_id, and the API."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anying.core.services import create_token
from anying.houses import services
from anying.houses.models import Household

from .conftest import jpeg

pytestmark = pytest.mark.django_db


def test_list_detail_and_forms(users, login, make_house, officer, plan):
    house = make_house()
    plan(officer, house)
    for user in (officer, users["jiuxian"], users["admin"], users["leader"]):
        c = login(user)
        page = c.get(reverse("house_list")).content.decode()
        assert house.head in page and house.id_masked in page and house.id_number not in page
        assert "按镇街汇总" in page
        detail = c.get(reverse("house_detail", args=[house.pk]))
        assert detail.status_code == 200 and "玉泉村集中安置点" in detail.content.decode()
    c = login(officer)
    for name in ("house_edit", "house_plan"):
        assert c.get(reverse(name, args=[house.pk])).status_code == 200
    assert c.get(reverse("house_new")).status_code == 200
    assert "本系统默认" in c.get(reverse("house_standards")).content.decode()
    assert login(users["leader"]).get(reverse("house_new")).status_code == 404


def test_detail_masks_for_readers_and_shows_full_to_keepers(users, login, make_house):
    house = make_house()
    assert house.id_number in login(users["jiuxian"]).get(reverse("house_detail", args=[house.pk])).content.decode()
    leader = login(users["leader"]).get(reverse("house_detail", args=[house.pk])).content.decode()
    assert house.id_number not in leader and house.id_masked in leader and house.phone not in leader


def test_record_on_the_page_needs_photos(login, officer, event, villages):
    c = login(officer)
    data = {"event": event.pk, "village": villages["玉泉村"][0].pk, "head": "何国强", "id_number": "500151198001010011",
            "members": 4, "situation": "general", "structure": "earth_wood", "rooms": 4, "rooms_collapsed": 4,
            "rooms_severe": 0, "rooms_general": 0, "cause": "山洪冲毁", "only_home": "on",
            "assessed_on": timezone.localdate().isoformat(), "assessors": "王建平"}
    r = c.post(reverse("house_new"), data)
    assert r.status_code == 200 and "请上传至少一个文件" in r.content.decode()
    from .conftest import valid_id

    r = c.post(reverse("house_new"), {**data, "id_number": valid_id(7), "photos": [jpeg("a.jpg"), jpeg("b.jpg")]})
    assert r.status_code == 302, r.content.decode()[:2000]
    house = Household.objects.get()
    assert house.subsidy == 20000
    photos = c.get(reverse("house_detail", args=[house.pk])).content.decode()
    assert "a.jpg" in photos


def test_site_refused_on_the_page_lists_the_points(login, users, make_house, risk_point):
    from .conftest import SITE, north

    point = risk_point(name="玉泉村后山滑坡")
    house = make_house()
    c = login(users["jiuxian"])
    r = c.post(reverse("house_plan", args=[house.pk]), {"mode": "relocate", "site_address": "新址",
                                                        "latitude": str(north(SITE[0], 60)), "longitude": str(SITE[1])})
    body = r.content.decode()
    assert r.status_code == 200 and "不予通过" in body and point.name in body and 'id="site-near"' in body
    assert Household.objects.get(pk=house.pk).mode == ""


def test_steps_on_the_page_and_403_without_a_party(users, login, make_house, officer, plan):
    house = plan(officer, make_house())
    url = reverse("house_act", args=[house.pk])
    assert login(users["leader"]).post(url, {"step": "submit_plan"}).status_code == 403
    assert login(users["admin"]).post(url, {"step": "submit_plan"}).status_code == 403
    c = login(officer)
    assert c.post(url, {"step": "submit_plan", "version": house.version}).status_code == 302
    house.refresh_from_db()
    assert house.status == "planned"
    # a stale page is refused with a message, nothing changed
    r = login(users["jiuxian"]).post(url, {"step": "approve_plan", "version": house.version - 1}, follow=True)
    assert "已被他人修改" in r.content.decode()
    assert Household.objects.get(pk=house.pk).status == "planned"


def test_another_town_gets_404(users, login, make_house):
    house = make_house()
    c = login(users["hufeng"])
    for name in ("house_detail", "house_edit", "house_plan"):
        assert c.get(reverse(name, args=[house.pk])).status_code == 404
    assert c.post(reverse("house_act", args=[house.pk]), {"step": "approve_plan"}).status_code == 404
    assert house.head not in c.get(reverse("house_list")).content.decode()


def _sheet(response):
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                             if response.streaming else response.content)).active


def test_export_layout_and_masking(users, login, make_house):
    house = make_house()
    town = _sheet(login(users["jiuxian"]).get(reverse("house_list") + "?export=xlsx"))
    assert town["A1"].value.startswith("因灾倒塌损坏住房户台账")
    header = [c.value for c in town[2]]
    assert header[:5] == ["镇街", "村（社区）", "户主", "身份证号", "家庭人口"] and header[-2:] == ["补助金额（元）", "进度"]
    assert town["D3"].value == house.id_masked and town["C3"].value == "何国强"
    district = _sheet(login(users["admin"]).get(reverse("house_list") + "?export=xlsx"))
    assert district["D3"].value == house.id_number


def test_standard_page_and_new_version(users, login, district):
    c = login(users["admin"])
    page = c.get(reverse("house_standards")).content.decode()
    assert "本系统默认" in page and "含未核对/演示值" in page and "新增铜梁区标准版本" in page
    r = c.post(reverse("house_standards"), {"effective_from": timezone.localdate().isoformat(),
                                            "rebuild_per_room": "6000", "repair_per_room": "1000",
                                            "site_distance_m": "150", "source": "铜梁区文件"})
    assert r.status_code == 302
    assert "新增" not in login(users["jiuxian"]).get(reverse("house_standards")).content.decode()


def test_api(users, make_house, officer, villages, event, risk_point):
    from .conftest import SITE, north, valid_id

    house = make_house()
    _, secret = create_token(None, users["jiuxian"], "测试")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    r = c.get("/api/v1/houses/households?degree=severe")
    assert r.status_code == 200 and r.json()["items"] == []
    item = c.get("/api/v1/houses/households").json()["items"][0]
    assert item["id_number_masked"] == house.id_masked and house.id_number not in str(item)
    r = c.post("/api/v1/houses/households", {
        "event_id": event.pk, "village_id": villages["玉泉村"][0].pk, "head": "何秀英", "id_number": valid_id(9),
        "members": 2, "structure": "brick_wood", "rooms": 3, "rooms_general": 2, "cause": "暴雨浸泡",
        "assessed_on": timezone.localdate().isoformat(), "assessors": "王建平"}, content_type="application/json")
    assert r.status_code == 201, r.content
    new = r.json()["id"]
    risk_point()
    r = c.post(f"/api/v1/houses/households/{house.pk}/plan", {"mode": "relocate", "site_address": "新址",
               "latitude": str(north(SITE[0], 50)), "longitude": str(SITE[1])}, content_type="application/json")
    assert r.status_code == 422 and "不予通过" in r.json()["detail"][0]["msg"]
    r = c.post(f"/api/v1/houses/households/{new}/plan", {"mode": "repair"}, content_type="application/json")
    assert r.status_code == 200
    up = c.post(f"/api/v1/houses/households/{new}/attachments", {"file": jpeg()})
    assert up.status_code == 201
    r = c.post(f"/api/v1/houses/households/{new}/transitions", {"name": "submit_plan", "version": 1},
               content_type="application/json")
    assert r.status_code == 409
    r = c.post(f"/api/v1/houses/households/{new}/transitions", {"name": "submit_plan"},
               content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "planned"
    r = c.get(f"/api/v1/houses/counts?event={event.pk}")
    assert r.json()["houses_collapsed"] == 2 and r.json()["houses_general"] == 2
    _, other = create_token(None, users["hufeng"], "测试")
    o = Client(HTTP_AUTHORIZATION=f"Bearer {other}")
    assert o.get(f"/api/v1/houses/households/{house.pk}").status_code == 404
    assert o.get(f"/api/v1/houses/counts?event={event.pk}").json()["houses_collapsed"] == 0
    assert services.counts(event)["houses_collapsed"] == 2


def test_workqueue_sources(users, make_house, officer, plan):
    from anying.core import workqueue

    house = make_house()
    assert workqueue.counts(officer)["houses.plans"]["n"] == 1
    plan(officer, house)
    services.run(officer, house.pk, "submit_plan")
    keys = {s.key: s for s in workqueue.SOURCES}
    today = timezone.localdate()
    assert list(keys["houses.approve"].items(users["jiuxian"], today)) == [Household.objects.get(pk=house.pk)]
    assert not keys["houses.approve"].allowed(officer)
    assert not list(keys["houses.approve"].items(users["hufeng"], today))


def test_photos_survive_a_refused_save(login, officer, event, villages):
    from anying.core import attachments

    from .conftest import valid_id

    c = login(officer)
    data = {"event": event.pk, "village": villages["玉泉村"][0].pk, "head": "何国强", "id_number": "500151198001010011",
            "members": 4, "situation": "general", "structure": "earth_wood", "rooms": 4, "rooms_collapsed": 4,
            "rooms_severe": 0, "rooms_general": 0, "cause": "山洪冲毁", "only_home": "on",
            "assessed_on": timezone.localdate().isoformat(), "assessors": "王建平", "form_token": "ab" * 16}
    r = c.post(reverse("house_new"), {**data, "photos": [jpeg("a.jpg"), jpeg("b.jpg")]})
    body = r.content.decode()
    assert r.status_code == 200 and "身份证号不正确" in body and "已保留上次选择的照片" in body and "a.jpg" in body
    dropped = attachments.held(officer, "houses:" + "ab" * 16).get(original_name="b.jpg")
    r = c.post(reverse("house_new"), {**data, "id_number": valid_id(8), "drop_photo": [dropped.pk]})
    assert r.status_code == 302
    house = Household.objects.get()
    assert [a.original_name for a in attachments.attachments_of(house)] == ["a.jpg"]
    assert not attachments.held(officer, "houses:").exists()
