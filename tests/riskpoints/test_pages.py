"""The pages: lists, detail, the phone confirmation page, the placard, the public list (no login,
masked, rate-limited), exports, the patrol board and the API."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from anying.core.permissions import SYSTEM
from anying.riskpoints import evacuations, patrols
from anying.riskpoints.models import Evacuation


@pytest.fixture
def evac(make_point):
    point = make_point(households=3)
    return evacuations.start(SYSTEM, point.pk, trigger="observation", reason="裂缝加宽")


def test_list_detail_and_forms_for_the_town(users, login, make_point):
    point = make_point()
    c = login(users["jiuxian"])
    page = c.get(reverse("riskpoint_list"))
    assert page.status_code == 200 and point.name in page.content.decode()
    detail = c.get(reverse("riskpoint_detail", args=[point.pk])).content.decode()
    assert "转移避险清单（五要素）" in detail and point.admin_responsible.phone in detail
    for name in ("riskpoint_edit", "riskpoint_plan", "riskpoint_household_new"):
        assert c.get(reverse(name, args=[point.pk])).status_code == 200
    assert c.get(reverse("riskpoint_new")).status_code == 200


def test_another_town_gets_404(users, login, make_point, evac):
    point = make_point(name="第二点")
    c = login(users["hufeng"])
    for name, pk in (("riskpoint_detail", point.pk), ("riskpoint_placard", point.pk), ("evacuation_confirm", evac.pk),
                     ("evacuation_detail", evac.pk)):
        assert c.get(reverse(name, args=[pk])).status_code == 404
    assert c.post(reverse("evacuation_confirm", args=[evac.pk]),
                  {"household": evac.point.household_rows.first().pk}).status_code == 404
    assert not evac.moves.exists()


def test_the_household_form_saves_and_refuses(users, login, make_point):
    point = make_point(households=0)
    c = login(users["jiuxian"])
    url = reverse("riskpoint_household_new", args=[point.pk])
    bad = c.post(url, {"head": "王五", "people": 1, "elderly": 2, "disabled": 0, "children": 0, "pregnant": 0,
                       "bedridden": 0})
    assert bad.status_code == 200 and "弱势人员合计" in bad.content.decode()
    ok = c.post(url, {"head": "王五", "people": 2, "elderly": 1, "disabled": 0, "children": 0, "pregnant": 0,
                      "bedridden": 0})
    assert ok.status_code == 302 and point.household_rows.get().head == "王五"


def test_the_phone_page_confirms_a_household(users, login, evac):
    c = login(users["jiuxian"])
    page = c.get(reverse("evacuation_confirm", args=[evac.pk])).content.decode()
    assert "转移到位" in page and "0/3" in page
    h = evac.point.household_rows.first()
    r = c.post(reverse("evacuation_confirm", args=[evac.pk]), {"household": h.pk, "people": 3})
    assert r.status_code == 302
    evac.refresh_from_db()
    assert (evac.households_moved, evac.people_moved, evac.status) == (1, 3, Evacuation.Status.MOVING)
    page = c.get(reverse("evacuation_confirm", args=[evac.pk])).content.decode()
    assert "1/3" in page and "撤销" in page
    c.post(reverse("evacuation_confirm", args=[evac.pk]), {"household": h.pk, "undo": "on"})
    evac.refresh_from_db()
    assert evac.households_moved == 0


def test_a_reader_cannot_confirm(users, login, evac):
    c = login(users["leader"])  # 查看 but no 转移 right
    assert c.get(reverse("evacuation_confirm", args=[evac.pk])).status_code == 200
    r = c.post(reverse("evacuation_confirm", args=[evac.pk]), {"household": evac.point.household_rows.first().pk})
    assert r.status_code == 403 and not evac.moves.exists()


def test_start_and_return_through_the_pages(users, login, make_point):
    point = make_point()
    c = login(users["jiuxian"])
    r = c.post(reverse("evacuation_start", args=[point.pk]), {"trigger": "observation", "reason": "房屋开裂"})
    evac = Evacuation.objects.get()
    assert r.status_code == 302 and r.url == reverse("evacuation_confirm", args=[evac.pk])
    c.post(reverse("evacuation_act", args=[evac.pk]), {"step": "return", "comment": "险情解除", "version": evac.version})
    evac.refresh_from_db()
    assert evac.status == Evacuation.Status.RETURNED


def test_placard_has_a_qr_code_and_the_public_page_masks_residents(users, login, make_point):
    point = make_point()
    household = point.household_rows.first()
    from anying.riskpoints import services

    services.save_household(SYSTEM, point.pk, {"head": "欧阳小明", "people": 2, "phone": "13912345678"})
    placard = login(users["jiuxian"]).get(reverse("riskpoint_placard", args=[point.pk])).content.decode()
    assert "<svg" in placard and "@page" not in placard and point.public_token in placard
    public = Client().get(reverse("riskpoint_public", args=[point.public_token]))
    text = public.content.decode()
    assert public.status_code == 200
    assert "欧**明" in text and "欧阳小明" not in text
    assert household.phone not in text and "13912345678" not in text
    assert point.admin_responsible.phone in text and point.admin_responsible.name in text  # 挂牌公示
    assert Client().get(reverse("riskpoint_public", args=["nope"])).status_code == 404


def test_the_public_page_is_rate_limited(make_point, settings):
    from anying.riskpoints import views_public

    point = make_point()
    limit = type(views_public.LIMIT)("riskpoint_public_test", 2, 3600)
    old, views_public.LIMIT = views_public.LIMIT, limit
    try:
        url = reverse("riskpoint_public", args=[point.public_token])
        assert [Client().get(url).status_code for _ in range(3)] == [200, 200, 429]
    finally:
        views_public.LIMIT = old


def test_mask():
    from anying.riskpoints.views_public import mask

    assert [mask(n) for n in ("张", "张三", "李小明", "欧阳小明")] == ["张", "张*", "李*明", "欧**明"]


def _sheet(response):
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming
                                             else response.content))
    return list(book.active.values)


def test_exports(users, login, make_point, evac):
    c = login(users["admin"])
    rows = _sheet(c.get(reverse("riskpoint_list") + "?export=xlsx"))
    assert rows[1][1] == "名称" and any(r[1] == "龙井村滑坡" for r in rows[2:])
    rows = _sheet(c.get(reverse("evacuation_list") + "?export=xlsx&status=open"))
    assert any(r[0] == "龙井村滑坡" for r in rows[2:])
    patrols.ensure_schedules(SYSTEM, evac.point_id)
    rows = _sheet(c.get(reverse("patrol_board") + "?export=xlsx"))
    assert len(rows) == 2 + 3


def test_evacuation_list_shows_counts_by_town(users, login, evac):
    page = login(users["admin"]).get(reverse("evacuation_list")).content.decode()
    assert "旧县街道" in page and "0 / 3" in page


def test_patrol_board_and_round(users, login, make_point):
    point = make_point()
    patrols.ensure_schedules(SYSTEM, point.pk)
    c = login(users["jiuxian"])
    assert c.get(reverse("patrol_board")).status_code == 200
    s = point.patrol_schedules.get(tier="village")
    from django.utils import timezone

    r = c.post(reverse("patrol_round", args=[s.pk]), {"day": timezone.localdate().isoformat(), "inspectors": "刘旧县",
                                                      "problem": "on", "note": "排水沟堵塞"})
    assert r.status_code == 302
    assert point.findings.get().description == "排水沟堵塞"


def test_api_lists_and_confirms(users, evac):
    from anying.core.services import create_token

    _, secret = create_token(None, users["jiuxian"], "测试")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    r = c.get("/api/v1/riskpoints/points")
    assert r.status_code == 200, r.content
    assert r.json()["items"][0]["name"] == "龙井村滑坡"
    assert c.get("/api/v1/riskpoints/evacuations?status=open").json()["items"][0]["id"] == evac.pk
    h = evac.point.household_rows.first()
    r = c.post(f"/api/v1/riskpoints/evacuations/{evac.pk}/confirm", {"household_id": h.pk},
               content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["households_moved"] == 1
    r = c.post(f"/api/v1/riskpoints/evacuations/{evac.pk}/confirm", {"household_id": h.pk},
               content_type="application/json")
    assert r.status_code == 422
    _, other = create_token(None, users["hufeng"], "测试")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {other}").get(f"/api/v1/riskpoints/evacuations/{evac.pk}").status_code == 404
