"""The pages: the village's phone form, a town report edited and sent, the district's review and
downloads, the 零报告 page, and who is refused."""

import io

import openpyxl
import pytest
from docx import Document

from anying.core.models import AuditEvent
from anying.disasters.models import Report, VillageReturn, ZeroReport
from tests.conftest import photo

from .conftest import send

pytestmark = pytest.mark.django_db


def test_the_village_officer_reports_from_the_phone_form(make_event, villages, login):
    event = make_event(towns=("旧县街道",))
    client = login(villages["玉泉村"][2])
    page = client.get(f"/disasters/{event.pk}/village/")
    assert page.status_code == 200 and "受灾人口" in page.content.decode()
    bad = client.post(f"/disasters/{event.pk}/village/", {"affected": "-3", "note": "x"})
    assert "须在 0 至" in bad.content.decode() and not VillageReturn.objects.exists()
    ok = client.post(f"/disasters/{event.pk}/village/", {"affected": "30", "evacuated": "8", "note": "低洼处进水",
                                                         "photos": [photo()]})
    assert ok.status_code == 302
    entry = VillageReturn.objects.get()
    assert entry.affected == 30 and entry.village.name == "玉泉村"
    assert client.get(f"/disasters/returns/{entry.pk}/photos/0/").status_code == 404


def test_the_town_edits_and_sends_and_the_district_accepts(make_event, users, login, town):
    event = make_event(towns=("旧县街道",))
    jiuxian = login(users["jiuxian"])
    started = jiuxian.post(f"/disasters/{event.pk}/towns/{town('旧县街道').pk}/report/")
    report = Report.objects.get()
    assert started.url == f"/disasters/reports/{report.pk}/"
    sent = jiuxian.post(started.url, {"affected": "12", "crops_affected": "1.5", "situation": "山洪", "then": "submit",
                                      "version": report.version})
    assert sent.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.affected == 12
    assert "审核通过" not in jiuxian.get(started.url).content.decode()  # the town does not review
    assert jiuxian.post(f"/disasters/reports/{report.pk}/act/", {"step": "accept"}).status_code == 404
    admin = login(users["admin"])
    admin.post(f"/disasters/reports/{report.pk}/act/", {"step": "accept", "version": report.version})
    report.refresh_from_db()
    assert report.status == "accepted"


def test_a_refused_submission_keeps_the_typed_figures_and_says_why(make_event, users, login, town):
    event = make_event(towns=("旧县街道",), response_triggered=True)
    client = login(users["jiuxian"])
    url = client.post(f"/disasters/{event.pk}/towns/{town('旧县街道').pk}/report/").url
    page = client.post(url, {"affected": "77", "then": "submit"})
    text = page.content.decode()
    assert "不少于3张" in text and 'value="77"' in text
    assert Report.objects.get().status == "draft"


def test_the_district_downloads_the_tables_and_the_circular(make_event, users, login, town):
    event = make_event(towns=("旧县街道", "虎峰镇"))
    send(users["jiuxian"], event, town("旧县街道"), {"affected": 120, "dead": 0, "evacuated": 30,
                                                   "loss_agriculture": "12.5"})
    admin = login(users["admin"])
    book = openpyxl.load_workbook(io.BytesIO(admin.get(f"/disasters/{event.pk}/summary.xlsx").getvalue()))
    rows = [[c.value for c in r] for r in book["快报表"].iter_rows()]
    header = rows[1]
    assert header[:4] == ["行政区划代码", "镇（街道）", "报告类别", "数据截至"] and "受灾人口（人）" in header
    by_town = {r[1]: r for r in rows[2:]}
    assert by_town["铜梁区合计"][header.index("受灾人口（人）")] == 120
    assert by_town["旧县街道"][2] == "初报" and by_town["虎峰镇"][2] == "未报送"
    assert by_town["铜梁区合计"][header.index("直接经济损失（万元）")] == 12.5
    assert "因灾死亡失踪人口台账" in book.sheetnames
    docx = Document(io.BytesIO(admin.get(f"/disasters/{event.pk}/circular.docx").getvalue()))
    text = "\n".join(p.text for p in docx.paragraphs)
    assert "受灾人口120人" in text and "灾情通报" in text
    assert any("旧县街道" in c.text for t in docx.tables for r in t.rows for c in r.cells)
    assert AuditEvent.objects.filter(action="export", summary__contains="灾情").count() == 2
    town_user = login(users["jiuxian"])
    assert town_user.get(f"/disasters/{event.pk}/summary.xlsx").status_code == 404


def test_the_zero_report_page(users, login):
    client = login(users["jiuxian"])
    page = client.get("/disasters/zero/")
    assert "旧县街道" in page.content.decode() and "虎峰镇" not in page.content.decode()
    town = users["jiuxian"].unit.region
    assert client.post("/disasters/zero/", {"town": town.pk, "nothing_happened": "1"}).status_code == 302
    assert ZeroReport.objects.get().filed_by == users["jiuxian"]
    other = users["hufeng"].unit.region
    refused = client.post("/disasters/zero/", {"town": other.pk, "nothing_happened": "1"})
    assert refused.status_code == 200 and ZeroReport.objects.count() == 1


def test_an_enterprise_user_gets_no_page(make_event, make_enterprise, enterprise_user, login):
    event = make_event(towns=("旧县街道",))
    client = login(enterprise_user(make_enterprise()))
    for url in ("/disasters/", f"/disasters/{event.pk}/", "/disasters/zero/", f"/disasters/{event.pk}/relief/"):
        assert client.get(url).status_code == 404


def test_the_api_lists_events_with_town_figures_and_takes_a_village_return(make_event, users, villages, town):
    from django.test import Client

    from anying.core.services import create_token

    event = make_event(towns=("旧县街道", "虎峰镇"))
    send(users["jiuxian"], event, town("旧县街道"), {"affected": 40, "crops_affected": "2.5"})

    def client(user):
        return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(None, user, '测试')[1]}")

    jiuxian = client(users["jiuxian"])
    listed = jiuxian.get("/api/v1/disasters/events").json()
    assert listed["items"][0]["id"] == event.pk
    detail = jiuxian.get(f"/api/v1/disasters/events/{event.pk}").json()
    assert [t["town"] for t in detail["towns"]] == ["旧县街道"]  # not 虎峰镇's row
    assert detail["totals"]["affected"] == 40 and detail["towns"][0]["report"]["label"] == "初报"
    officer = client(villages["玉泉村"][2])
    made = officer.post(f"/api/v1/disasters/events/{event.pk}/village-returns",
                        {"affected": 12, "evacuated": 3, "note": "进水"}, content_type="application/json")
    assert made.status_code == 201 and made.json()["village"] == "玉泉村"
    bad = officer.post(f"/api/v1/disasters/events/{event.pk}/village-returns", {"affected": -1},
                       content_type="application/json")
    assert bad.status_code == 422
    assert jiuxian.post(f"/api/v1/disasters/events/{event.pk}/village-returns", {"affected": 1},
                        content_type="application/json").status_code == 403
    assert client(users["hufeng"]).get(f"/api/v1/disasters/events/{event.pk}").json()["towns"][0]["town"] == "虎峰镇"


def test_an_event_links_the_warnings_and_incidents_it_came_with(users, login, town):
    import datetime as dt

    from django.utils import timezone

    from anying.incidents.models import Incident
    from anying.warning import services as warning_services
    from anying.warning.models import Warning

    now = timezone.now()
    warning = warning_services.save_draft(users["yingji"], Warning(
        kind="rainstorm", level="orange", agency="区气象台", headline="暴雨橙色预警", description="强降雨",
        onset=now, expires=now + dt.timedelta(hours=6)), [town("旧县街道")])
    warning_services.act(users["yingji"], warning.pk, "submit")
    warning_services.act(users["leader"], warning.pk, "issue")
    admin = login(users["admin"])
    form = admin.get("/disasters/new/").content.decode()
    assert "暴雨橙色预警" in form
    made = admin.post("/disasters/new/", {"name": "7·12 暴雨洪涝灾害", "kind": "flood",
                                          "started_at": timezone.localtime(now).strftime("%Y-%m-%dT%H:%M"),
                                          "towns": [town("旧县街道").pk], "warnings": [warning.pk]})
    assert made.status_code == 302, made.context["form"].errors
    from anying.disasters.models import Event

    event = Event.objects.get()
    assert list(event.warnings.all()) == [warning]
    assert "暴雨橙色预警" in admin.get(f"/disasters/{event.pk}/").content.decode()
    assert not Incident.objects.exists()
