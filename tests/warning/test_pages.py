"""The warning pages and API as their users reach them: the editor's form and import, the
approver's sign-off, the detail with 叫应 progress, the desk's calls, the roster; scope and
permissions; the API."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from anying.core.services import create_token
from anying.warning import cap
from anying.warning.models import CallTask, Contact, Warning

SAMPLE = (Path(cap.__file__).parent / "data" / "sample_cap.xml").read_bytes()


def api_for(user) -> Client:
    _, secret = create_token(None, user, "t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_editor_writes_a_draft_and_the_leader_signs_it_off(login, roster, users, town):
    editor, leader = login(users["duty"]), login(users["leader"])
    page = editor.get("/warnings/new/")
    assert page.status_code == 200 and "预警区域" in page.content.decode()
    response = editor.post("/warnings/new/", {
        "kind": "rainstorm", "level": "red", "agency": "铜梁区气象台", "headline": "暴雨红色预警",
        "description": "3小时内降雨量将达100毫米以上。", "instruction": "", "regions": [town("虎峰镇").pk],
        "area_desc": "", "polygon_text": "29.80,106.00 29.80,106.10 29.90,106.10", "onset": "2026-12-07T08:00",
        "expires": "2030-12-08T08:00"})
    assert response.status_code == 302, response.context["form"].errors
    w = Warning.objects.get(headline="暴雨红色预警")
    assert w.polygon == [[106.0, 29.8], [106.1, 29.8], [106.1, 29.9]]
    editor.post(f"/warnings/{w.pk}/act/", {"step": "submit", "version": w.version})
    w.refresh_from_db()
    assert w.status == "submitted"
    assert "签发发布" not in editor.get(f"/warnings/{w.pk}/").content.decode()
    detail = leader.get(f"/warnings/{w.pk}/").content.decode()
    assert "签发发布" in detail
    leader.post(f"/warnings/{w.pk}/act/", {"step": "issue", "version": w.version})
    w.refresh_from_db()
    assert w.status == "issued" and w.recipients.exists()
    detail = leader.get(f"/warnings/{w.pk}/").content.decode()
    assert "叫应进度" in detail and "虎峰镇" in detail
    assert editor.get(f"/warnings/{w.pk}/edit/").status_code == 302  # issued: no editing


def test_bad_input_is_refused_in_chinese_with_nothing_saved(login, users, town):
    editor = login(users["duty"])
    response = editor.post("/warnings/new/", {
        "kind": "rainstorm", "level": "red", "agency": "x", "headline": "坏的预警", "description": "x",
        "regions": [town("虎峰镇").pk], "polygon_text": "not a polygon", "onset": "2026-12-07T08:00",
        "expires": "2026-12-06T08:00"})
    body = response.content.decode()
    assert response.status_code == 200 and "多边形格式错误" in body
    assert not Warning.objects.filter(headline="坏的预警").exists()


def test_import_page_creates_a_draft_and_shows_schema_errors(login, users):
    editor = login(users["duty"])
    response = editor.post("/warnings/import/", {"file": SimpleUploadedFile("cap.xml", SAMPLE, "application/xml")})
    w = Warning.objects.get(external_identifier="50015141600000_20260607153000")
    assert response.status_code == 302 and response.url == f"/warnings/{w.pk}/edit/"
    bad = SAMPLE.replace(b"<status>Actual</status>", b"<status>Real</status>").replace(b"153000<", b"153001<")
    response = editor.post("/warnings/import/", {"file": SimpleUploadedFile("bad.xml", bad, "application/xml")})
    assert "不符合 CAP 1.2 格式" in response.content.decode()
    assert Warning.objects.count() == 1


def test_scope_towns_see_issued_warnings_over_them_not_drafts(login, make_warning, roster, users):
    from .conftest import issue

    draft = make_warning(headline="区里的草稿")
    over_hufeng = issue(make_warning(towns=("虎峰镇",), headline="虎峰镇的预警"), users["yingji"], users["leader"])
    hufeng, jiuxian = login(users["hufeng"]), login(users["jiuxian"])
    assert hufeng.get(f"/warnings/{over_hufeng.pk}/").status_code == 200
    assert jiuxian.get(f"/warnings/{over_hufeng.pk}/").status_code == 404
    assert hufeng.get(f"/warnings/{draft.pk}/").status_code == 404
    assert "虎峰镇的预警" in hufeng.get("/warnings/").content.decode()
    assert hufeng.get(f"/warnings/{over_hufeng.pk}/cap.xml").status_code == 200
    assert jiuxian.get(f"/warnings/{over_hufeng.pk}/cap.xml").status_code == 404


def test_export_and_roster(login, issued, roster, users):
    admin = login(users["admin"])
    response = admin.get("/warnings/?export=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert admin.get("/warnings/contacts/?export=xlsx").status_code == 200
    page = admin.get("/warnings/contacts/?duty=monitor").content.decode()
    assert "群测群防员" in page
    c = Contact.objects.filter(region__name="太平村").first()
    town_user = login(users["jiuxian"])  # 旧县街道: 太平村 is 虎峰镇's
    assert town_user.get(f"/warnings/contacts/{c.pk}/").status_code == 404
    response = admin.post(f"/warnings/contacts/{c.pk}/", {
        "name": c.name, "phone": "123", "region": c.region_id, "role": c.role, "families": ["general"]})
    assert "11 位手机号" in response.content.decode()


def test_calls_page_for_the_town_desk(login, issued, users):
    import datetime as dt

    from django.utils import timezone

    from anying.warning import delivery

    now = timezone.now()
    delivery.escalate_due(now + dt.timedelta(minutes=6))
    delivery.escalate_due(now + dt.timedelta(minutes=12))
    page = login(users["jiuxian"]).get("/warnings/calls/").content.decode()
    own = CallTask.objects.filter(recipient__town__name="旧县街道").first()
    other = CallTask.objects.filter(recipient__town__name="虎峰镇").first()
    assert own.recipient.name in page and f'/warnings/calls/{other.pk}/' not in page
    assert login(users["leader"]).get("/warnings/calls/").status_code == 404  # the leader makes no calls


def test_api_list_detail_steps_import_and_sms_replies(issued, make_warning, users, settings):
    api = api_for(users["hufeng"])
    listed = api.get("/api/v1/warnings/").json()
    assert [w["number"] for w in listed["items"]] == [issued.number]
    detail = api.get(f"/api/v1/warnings/{issued.pk}").json()
    assert detail["told"] > 0 and {t["town"] for t in detail["towns"]} >= {"虎峰镇"}
    draft = make_warning()
    editor = api_for(users["yingji"])
    assert editor.post(f"/api/v1/warnings/{draft.pk}/steps/submit", {}, content_type="application/json").status_code == 200
    assert editor.post(f"/api/v1/warnings/{draft.pk}/steps/issue", {}, content_type="application/json").status_code == 403
    assert api_for(users["leader"]).post(f"/api/v1/warnings/{draft.pk}/steps/issue", {},
                                         content_type="application/json").json()["status"] == "issued"
    created = api_for(users["duty"]).post("/api/v1/warnings/import", SAMPLE, content_type="application/cap+xml")
    assert created.status_code == 201 and created.json()["status"] == "draft"
    bad = api_for(users["duty"]).post("/api/v1/warnings/import", b"<x/>", content_type="application/xml")
    assert bad.status_code == 422 and "CAP" in bad.json()["detail"][0]["msg"]
    phone = issued.recipients.exclude(phone="").filter(acknowledged_at__isnull=True).first().phone
    pending = issued.recipients.model.objects.filter(phone=phone, acknowledged_at__isnull=True).count()
    gateway = Client()
    assert gateway.post("/api/v1/warnings/sms-replies", {"phone": phone, "text": "1"},
                        content_type="application/json").status_code == 401  # no key configured: closed
    settings.ANYING_SMS_GATEWAY_KEY = "k" * 32
    assert gateway.post("/api/v1/warnings/sms-replies", {"phone": phone, "text": "1"}, content_type="application/json",
                        HTTP_X_GATEWAY_KEY="wrong").status_code == 401
    ok = gateway.post("/api/v1/warnings/sms-replies", {"phone": phone, "text": "1"}, content_type="application/json",
                      HTTP_X_GATEWAY_KEY="k" * 32)
    assert ok.json() == {"acknowledged": pending}  # every warning in force awaiting that phone


def test_desk_panel_shows_warnings_in_force(login, issued, users):
    page = login(users["duty"]).get("/incidents/desk/").content.decode()
    assert "生效中的预警" in page and issued.headline in page


def test_warnings_in_force_are_drawn_on_the_map_for_those_who_see_them(login, make_warning, roster, users, town):
    from anying.places.models import RegionOutline

    from .conftest import issue

    ring = [[106.0, 29.8], [106.1, 29.8], [106.1, 29.9], [106.0, 29.8]]
    RegionOutline.objects.create(region=town("虎峰镇"), geometry={"type": "Polygon", "coordinates": [ring]})
    over = issue(make_warning(towns=("虎峰镇",), level="red", polygon=[[106.0, 29.8], [106.05, 29.8], [106.05, 29.85]]),
                 users["yingji"], users["leader"])
    make_warning(towns=("虎峰镇",), headline="草稿不上图")
    features = login(users["hufeng"]).get("/map/areas/").json()["features"]
    assert len(features) == 2  # its polygon and 虎峰镇's outline
    assert {f["properties"]["url"] for f in features} == {f"/warnings/{over.pk}/"}
    assert features[0]["properties"]["colour"] == "#dc3545" and features[0]["geometry"]["coordinates"][0][0] == [106.0, 29.8]
    assert login(users["jiuxian"]).get("/map/areas/").json()["features"] == []  # not over 旧县街道
    config = login(users["admin"]).get("/map/").content.decode()
    assert "/map/areas/" in config
