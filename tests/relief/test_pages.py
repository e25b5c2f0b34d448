"""Relief pages and API: the public notice shows names masked and no ID numbers or phones, takes
objections with a rate limit; staff lists mask; another town gets 404; the API answers 404/422."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anying.core import masking, ratelimit
from anying.core.services import create_token
from anying.relief.models import Application, Objection
from anying.relief.views_public import OBJECTION_LIMIT

pytestmark = pytest.mark.django_db


def _body(response) -> str:
    return response.content.decode()


def test_public_notice_shows_no_personal_data(make_application, client):
    a = make_application("notice", head="张小华", notice_started=timezone.localdate())
    response = client.get(reverse("relief:public_notice", args=[a.notice.public_token]))
    body = _body(response)
    assert response.status_code == 200
    assert "张*华" in body and "张小华" not in body
    assert a.id_number not in body and a.id_number[-4:] + "<" not in body
    assert a.phone not in body and "13812345678" not in body
    assert str(a.pk) in body  # the objection form names the row by id only
    # a name filed but not yet on a notice is not published
    other = make_application("town_passed", head="李不公开")
    assert "李*开" not in _body(client.get(reverse("relief:public_notice", args=[a.notice.public_token])))
    assert other.notice is None


def test_public_open_page_masks_households(make_application, client, users):
    from decimal import Decimal

    from anying.core.models import Organisation, Region
    from anying.relief import donations

    town = Region.objects.get(name="旧县街道", level="town")
    d = donations.record_donation(users["admin"], {"unit": Organisation.objects.get(name="区应急局"), "donor": "某公司",
                                                   "form": "money", "amount": Decimal("1000")})
    donations.record_donation(users["admin"], {"unit": Organisation.objects.get(name="区应急局"), "donor": "王大伟",
                                               "anonymous": True, "form": "money", "amount": Decimal("100")})
    donations.allocate(users["admin"], d.pk, {"town": town, "household": "赵铁柱", "amount": Decimal("300"),
                                              "purpose": "生活救助"})
    body = _body(client.get(reverse("relief:public_open")))
    assert "某公司" in body and "赵*柱" in body and "赵铁柱" not in body
    assert "王大伟" not in body and "匿名" in body


def test_public_objection_is_recorded_and_rate_limited(make_application, client):
    a = make_application("notice", notice_started=timezone.localdate())
    url = reverse("relief:public_notice", args=[a.notice.public_token])
    ratelimit.clear(OBJECTION_LIMIT, "127.0.0.1")
    response = client.post(url, {"application": a.pk, "content": "该户情况不属实，请核查", "contact": "13900001111"})
    assert response.status_code == 302
    o = Objection.objects.get()
    assert o.source == "public" and o.contact == "13900001111"
    assert "13900001111" not in _body(client.get(url))
    for _ in range(OBJECTION_LIMIT.count):
        client.post(url, {"application": a.pk, "content": "重复提交的异议内容"})
    assert Objection.objects.count() == OBJECTION_LIMIT.count  # the rest were refused
    assert client.get(reverse("relief:public_notice", args=["x" * 30])).status_code == 404


def test_staff_pages_mask_and_scope(make_application, login, users, officer):
    a = make_application("paid")
    admin = login(users["admin"])
    body = _body(admin.get(reverse("relief:application_list")))
    assert masking.id_number(a.id_number) in body and a.id_number not in body
    detail = _body(admin.get(reverse("relief:application_detail", args=[a.pk])))
    assert "6217 **** **** 5678" in detail and "6217000012345678" not in detail and a.id_number not in detail
    assert login(users["hufeng"]).get(reverse("relief:application_detail", args=[a.pk])).status_code == 404
    assert login(officer("龙洞湾村")).get(reverse("relief:application_detail", args=[a.pk])).status_code == 404
    assert login(users["jingxin"]).get(reverse("relief:application_list")).status_code == 404
    for name in ("relief:application_list", "relief:notice_list", "relief:coverage", "relief:survey_list",
                 "relief:round_list", "relief:donation_list", "relief:fund_list", "relief:finding_list"):
        assert admin.get(reverse(name)).status_code == 200, name
    assert officer().has_perm_code("relief.village_review")
    village_client = login(officer())
    assert village_client.get(reverse("relief:application_new")).status_code == 200
    assert village_client.get(reverse("relief:notice_new")).status_code == 404


def test_export_masks(make_application, login, users):
    import io

    from openpyxl import load_workbook

    a = make_application("paid")
    response = login(users["admin"]).get(reverse("relief:application_list") + "?export=xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    text = " ".join(str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None)
    assert a.head in text and a.id_number not in text and "6217000012345678" not in text


def test_step_post_without_party_is_403(make_application, login, users, officer):
    a = make_application("village_passed")
    response = login(users["leader"]).post(reverse("relief:application_act", args=[a.pk]), {"step": "town_pass"})
    assert response.status_code == 403
    response = login(users["jiuxian"]).post(reverse("relief:application_act", args=[a.pk]),
                                            {"step": "town_pass", "version": a.version})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == Application.Status.TOWN_PASSED


def test_api(make_application, users):
    a = make_application("notice")
    _, secret = create_token(None, users["leader"], "t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    listed = api.get("/api/v1/relief/applications").json()
    assert listed["items"][0]["id_number_masked"] == masking.id_number(a.id_number)
    assert a.id_number not in json.dumps(listed)
    assert api.get("/api/v1/relief/applications?status=nonsense").status_code == 422
    assert api.post(f"/api/v1/relief/applications/{a.pk}/steps/decide", data="{}",
                    content_type="application/json").status_code == 200
    _, other = create_token(None, users["hufeng"], "t")
    other_api = Client(HTTP_AUTHORIZATION=f"Bearer {other}")
    assert other_api.get(f"/api/v1/relief/applications/{a.pk}").status_code == 404
    assert api.post(f"/api/v1/relief/applications/{a.pk}/steps/bogus", data="{}",
                    content_type="application/json").status_code == 422
    assert api.get(f"/api/v1/relief/rounds/{a.round_id}/coverage").status_code == 200
