"""Issue #18's reporting journey in a browser: a rainstorm hits 旧县街道 and 虎峰镇; 玉泉村's
灾害信息员 files the village's figures from a 390 px phone within the hour; 旧县街道's inspector
compiles the 初报 from it and sends it within 2 hours; the district accepts it; the next morning's
续报 raises the figures and is refused until the change is explained; the district, at a 1366 px
desk, sees both towns summed (虎峰镇 flagged late) and downloads the 快报表 and the 灾情通报.
Screenshots at both widths."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.disasters import services
from anying.disasters.models import Report, VillageReturn
from anying.disasters.villages import committees

from ..disasters.conftest import send
from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 900}}


def _no_sideways(page, name):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name} scrolls sideways on a phone ({width} px)"


def test_a_village_reports_the_town_sends_and_the_district_sums(new_page, users, town):
    committees()
    event = services.open_event(users["duty"], name="7·12 暴雨洪涝灾害", kind="flood", sub_kind="山洪",
                                started_at=timezone.now() - dt.timedelta(minutes=40),
                                towns=[town("旧县街道"), town("虎峰镇")])

    # the village's 灾害信息员, on a phone in the field
    phone = log_in(new_page(**PHONE), "cunyuan")
    phone.goto(f"/disasters/{event.pk}/")
    phone.get_by_role("link", name="报送本村灾情").click()
    phone.fill("#fig-affected", "320")
    phone.fill("#fig-evacuated", "45")
    phone.fill("#fig-resettled", "30")
    phone.fill("#fig-houses_severe", "2")
    phone.fill("#fig-crops_affected", "18.5")
    phone.fill("#id_note", "3组低洼处进水，已转移45人到中学操场")
    shoot(phone, "disaster-1-village-form-390")
    _no_sideways(phone, "the village form")
    phone.get_by_role("button", name="报送镇街").click()
    expect(phone.locator(".alert-success, .alert")).to_contain_text("灾情已报送镇街")
    assert VillageReturn.objects.get().affected == 320

    # the town compiles its 初报 from the villages and sends it, on a phone too
    town_phone = log_in(new_page(**PHONE), "jiuxian")
    town_phone.goto(f"/disasters/{event.pk}/")
    town_phone.get_by_role("button", name="编制报告").first.click()
    expect(town_phone.locator("#fig-affected")).to_have_value("320")  # from 玉泉村's return
    town_phone.fill("#fig-loss_agriculture", "26.4")
    town_phone.fill("#id_situation", "凌晨强降雨引发山洪，玉泉村3组进水。")
    shoot(town_phone, "disaster-2-town-initial-390")
    _no_sideways(town_phone, "the town report")
    town_phone.get_by_role("button", name="报送区县").click()
    expect(town_phone.locator("body")).to_contain_text("初报已报送区县")
    initial = Report.objects.get(stage="initial")
    assert initial.late_minutes == 0 and initial.status == "submitted"

    # the district accepts it
    desk = log_in(new_page(**DESK), "admin")
    desk.goto(f"/disasters/reports/{initial.pk}/")
    desk.get_by_role("button", name="审核通过").click()
    expect(desk.locator("body")).to_contain_text("已审核通过")

    # the next morning's 续报: higher figures are refused until explained
    town_phone.goto(f"/disasters/{event.pk}/")
    town_phone.get_by_role("button", name="编制报告").first.click()
    town_phone.fill("#fig-affected", "960")
    town_phone.fill("#fig-evacuated", "120")
    town_phone.get_by_role("button", name="报送区县").click()
    expect(town_phone.locator(".alert-danger")).to_contain_text("受灾人口由 320 增为 960")
    expect(town_phone.locator("#fig-affected")).to_have_value("960")  # nothing typed is lost
    shoot(town_phone, "disaster-3-change-refused-390")
    town_phone.fill("#id_change_explanation", "幸福社区夜间进水，新增受灾640人")
    town_phone.get_by_role("button", name="报送区县").click()
    expect(town_phone.locator("body")).to_contain_text("续报一已报送区县")

    # 虎峰镇 reported late (its deadline moved into the past for the story), the district sums the towns
    Report.objects.filter(pk=initial.pk)  # noqa: B018 — 旧县 is on time
    event.dues.filter(town=town("虎峰镇"), stage="initial").update(due_at=timezone.now() - dt.timedelta(minutes=30))
    send(users["hufeng"], event, town("虎峰镇"), {"affected": 140, "missing": 1, "evacuated": 20})
    desk.goto(f"/disasters/{event.pk}/")
    board = desk.locator("table").first
    expect(board).to_contain_text("续报一")
    expect(board).to_contain_text("迟报")
    expect(desk.locator("body")).to_contain_text("1100")  # 960 + 140 affected
    shoot(desk, "disaster-4-district-board-1366")
    with desk.expect_download() as got:
        desk.get_by_role("link", name="统计表").click()
    book = openpyxl.load_workbook(io.BytesIO(open(got.value.path(), "rb").read()))
    rows = {r[1].value: r for r in book["快报表"].iter_rows(min_row=3)}
    assert rows["铜梁区合计"][4].value == 1100
    with desk.expect_download() as got:
        desk.get_by_role("link", name="灾情通报").click()
    assert got.value.suggested_filename.endswith(".docx")

    desk_phone = log_in(new_page(**PHONE), "admin")
    desk_phone.goto(f"/disasters/{event.pk}/")
    shoot(desk_phone, "disaster-5-district-board-390")
    _no_sideways(desk_phone, "the event board")
