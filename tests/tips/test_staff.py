"""Staff pages and API: who sees the reporter, scope, handling through the pages, statistics."""

import io
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from anying.core.services import create_token
from anying.hazards.models import Hazard
from anying.tips import services
from anying.tips.models import Tip

pytestmark = pytest.mark.django_db


@pytest.fixture
def named_tip(file_tip):
    tip, _ = file_tip(anonymous=False, reporter_name="张举报", reporter_phone="13912345678")
    return tip


def api(user):
    _, secret = create_token(None, user, "test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.mark.parametrize("username, sees", [("admin", True), ("duty", True), ("jiuxian", False), ("leader", False)])
def test_reporter_contact_only_for_the_12350_desk(named_tip, users, office, login, username, sees):
    services.step(users["admin"], named_tip.pk, "assign", unit=office)
    body = login(users[username]).get(f"/tips/{named_tip.pk}/").content.decode()
    assert ("13912345678" in body) is sees and ("张举报" in body) is sees
    data = api(users[username]).get(f"/api/v1/tips/{named_tip.pk}").json()
    assert (data["reporter_phone"] == "13912345678") is sees
    if not sees:
        assert data["reporter_phone"] is None and data["reporter_name"] is None


def test_enterprise_users_and_other_towns_get_404(named_tip, users, login, ent, enterprise_user):
    assert login(enterprise_user(ent)).get(f"/tips/{named_tip.pk}/").status_code == 404
    assert login(users["hufeng"]).get(f"/tips/{named_tip.pk}/").status_code == 404
    assert api(users["hufeng"]).get(f"/api/v1/tips/{named_tip.pk}").status_code == 404
    assert api(enterprise_user(ent, "qiye2")).get("/api/v1/tips/").status_code == 403


def test_handling_through_the_pages(named_tip, users, login, office, ent):
    desk, town_user = login(users["duty"]), login(users["jiuxian"])
    page = desk.get(f"/tips/{named_tip.pk}/")
    assert page.context["suggested"] == office
    desk.post(f"/tips/{named_tip.pk}/step/assign/", {"unit": office.pk, "text": "请核查"})
    town_user.post(f"/tips/{named_tip.pk}/step/start/", {})
    town_user.post(f"/tips/{named_tip.pk}/enterprise/", {"enterprise": ent.pk})
    response = town_user.post(f"/tips/{named_tip.pk}/hazard/", {
        "place": "楼梯间", "description": "堆放油漆", "category": "site", "level": "general",
        "found_by": "刘旧县", "found_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    hazard = Hazard.objects.get(channel=Hazard.Channel.TIP)
    hazard_page = town_user.get(f"/hazards/{hazard.pk}/").content.decode()
    assert f"/tips/{named_tip.pk}/" in hazard_page and "来源举报" in hazard_page  # linked both ways
    town_user.post(f"/tips/{named_tip.pk}/step/conclude/", {"substantiated": "1", "text": "属实"})
    town_user.post(f"/tips/{named_tip.pk}/step/reply/", {"text": "已责令整改"})
    desk.post(f"/tips/{named_tip.pk}/step/close/", {})
    named_tip.refresh_from_db()
    assert named_tip.status == Tip.Status.CLOSED and named_tip.substantiated


def test_phone_tips_are_taken_by_the_desk_only(users, login, town):
    data = {"category": "illegal", "description": "夜间非法生产烟花爆竹", "region": town("虎峰镇").pk, "place": "虎峰镇某村",
            "anonymous": "1", "source": "phone"}
    assert login(users["jiuxian"]).post("/tips/phone/", data).status_code == 404
    response = login(users["duty"]).post("/tips/phone/", data, follow=True)
    tip = Tip.objects.get()
    assert tip.source == Tip.Source.PHONE and tip.created_by == users["duty"]
    assert "查询密码" in response.content.decode()


def test_statistics_by_category_unit_and_month_with_export(verified, file_tip, users, login):
    services.step(users["jiuxian"], verified.pk, "reply", text="属实，已处理")
    file_tip(category=Tip.Category.ILLEGAL)
    client = login(users["admin"])
    page = client.get("/tips/stats/?group=category")
    rows = {r.label: r for r in page.context["rows"]}
    assert rows["重大事故隐患"].total == 1 and rows["重大事故隐患"].rate == 100.0 and rows["重大事故隐患"].replied == 1
    assert rows["非法违法生产经营建设"].concluded == 0 and rows["非法违法生产经营建设"].rate is None
    assert page.context["total"].total == 2
    units = {r.label: r.total for r in client.get("/tips/stats/?group=unit").context["rows"]}
    assert units == {"旧县街道应急办": 1, "未交办": 1}
    months = client.get("/tips/stats/?group=month").context["rows"]
    assert [r.label for r in months] == [f"{timezone.localdate():%Y-%m}"]
    export = client.get("/tips/stats/?group=category&export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][0] == "举报类别" and values[-1][0] == "合计" and values[-1][1] == 2
    assert api(users["admin"]).get("/api/v1/tips/stats?group=unit").json()[0]["total"] == 1


def test_statistics_count_only_the_users_scope(file_tip, users, login, town):
    file_tip()
    file_tip(region=town("虎峰镇"), place="虎峰镇")
    assert login(users["jiuxian"]).get("/tips/stats/").context["total"].total == 1
    assert login(users["admin"]).get("/tips/stats/").context["total"].total == 2


def test_rules_page_sets_the_districts_own_rates(users, login, district, file_tip):
    client = login(users["admin"])
    form = client.get("/tips/rules/").context["form"]
    data = {k: v for k, v in form.initial.items() if k in form.fields}
    assert data["reward_rate"] == "15"  # the rule's 0.1500, as a clerk reads it
    data.update(verify_days=10, reward_rate="20")
    assert client.post("/tips/rules/", data).status_code == 302
    from anying.tips.models import TipRules
    assert TipRules.objects.get(region=district).reward_rate == Decimal("0.2000")
    assert client.post("/tips/rules/", {**data, "reward_rate": "120"}).status_code == 200  # over 100 %: refused
    tip, _ = file_tip()
    assert (tip.verify_due - timezone.localdate()).days == 10
    assert login(users["jiuxian"]).get("/tips/rules/").status_code == 404


def test_public_api_create_and_status(town, users, office):
    client = Client(REMOTE_ADDR="10.3.3.3")
    created = client.post("/api/v1/tips/public", {
        "category": "major_hazard", "description": "配电房门口堆满纸箱和木托盘", "region_id": town("旧县街道").pk,
        "place": "厂区配电房"})
    assert created.status_code == 201, created.content
    receipt = created.json()
    status = client.post("/api/v1/tips/public/status", json.dumps({"code": receipt["code"], "pin": receipt["pin"]}),
                         content_type="application/json")
    assert status.status_code == 200 and status.json()["status"] == "已受理"
    assert "unit" not in status.json() and "findings" not in status.json()
    bad = client.post("/api/v1/tips/public/status", json.dumps({"code": receipt["code"], "pin": "x"}),
                      content_type="application/json")
    assert bad.status_code == 404
    invalid = client.post("/api/v1/tips/public", {"category": "nope", "description": "短", "region_id": 0, "place": ""})
    assert invalid.status_code == 422 and Tip.objects.count() == 1


def test_staff_api_steps_and_links(named_tip, users, office):
    desk = api(users["duty"])
    assigned = desk.post(f"/api/v1/tips/{named_tip.pk}/steps/assign", json.dumps({"unit_id": office.pk}),
                         content_type="application/json")
    assert assigned.status_code == 200 and assigned.json()["unit"] == office.name
    town_api = api(users["jiuxian"])
    assert town_api.post(f"/api/v1/tips/{named_tip.pk}/steps/assign", json.dumps({"unit_id": office.pk}),
                         content_type="application/json").status_code == 403
    assert town_api.post(f"/api/v1/tips/{named_tip.pk}/steps/close", "{}",
                         content_type="application/json").status_code == 422
    listed = town_api.get("/api/v1/tips/?status=assigned").json()
    assert listed["count"] == 1 and listed["items"][0]["code"] == named_tip.display_code


def test_bad_api_input_is_a_clear_422_not_a_server_error(named_tip, users, town):
    client = Client(REMOTE_ADDR="10.4.4.4")
    base = {"category": "illegal", "description": "夜间非法生产烟花爆竹的作坊", "region_id": town("旧县街道").pk,
            "place": "某村"}
    huge = client.post("/api/v1/tips/public", {**base, "enterprise_id": str(2**70)})
    assert huge.status_code == 422
    later = client.post("/api/v1/tips/public", {**base, "happened_at": "2999-01-01T10:00"})
    assert later.status_code == 422 and "晚于现在" in later.json()["detail"][0]["msg"]
    assert client.post("/api/v1/tips/public", {**base, "happened_at": "2026-01-01T10:00"}).status_code == 201
    desk = api(users["duty"])
    assert desk.post(f"/api/v1/tips/{named_tip.pk}/steps/assign", json.dumps({"unit_id": 2**70}),
                     content_type="application/json").status_code == 422
    assert desk.post(f"/api/v1/tips/{named_tip.pk}/links", json.dumps({"kind": "penalty", "object_id": 2**70}),
                     content_type="application/json").status_code == 422
    assert desk.post(f"/api/v1/tips/{named_tip.pk}/steps/nonsense", "{}",
                     content_type="application/json").status_code == 422
