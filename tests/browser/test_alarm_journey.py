"""Issue #16's journey in a browser: a gateway posts readings over HTTP to the running server; the
ammonia detector passes its 高高报 and the alarm is raised. The enterprise's safety manager, on a
phone, sees it on the live board, acknowledges it and reports the cause and measures with a photo;
旧县街道's inspector, at a desk, finds it among the alarms to confirm on the board and confirms 消警.
Screenshots at 390 and 1366 px."""

import json
import urllib.request

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.monitoring import timeseries
from anying.monitoring.models import Alarm

from ..conftest import png_bytes
from ..monitoring.test_ingest import plant  # noqa: F401 — the fixture
from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 900}}


def post_readings(base: str, token: str, readings: list[dict]) -> dict:
    request = urllib.request.Request(base + "/api/v1/monitoring/readings", data=json.dumps(readings).encode(),
                                     method="POST", headers={"Content-Type": "application/json",
                                                             "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_an_alarm_from_the_gateway_to_xiaojing(new_page, live_server, plant, enterprise_user, tmp_path):  # noqa: F811
    enterprise_user(plant["ent"], username="qiye")
    t = timeseries.ms(timezone.now()) - 60_000
    answer = post_readings(live_server.url, plant["token"], [
        {"sensor": "AT-201", "ts": t + i * 10_000, "value": v} for i, v in enumerate([8, 12, 175, 190])])
    assert answer["stored"] == 4 and answer["alarms_raised"] == 2  # 高报 and 高高报

    # the safety manager, on a phone: the live board shows the alarm
    phone = log_in(new_page(**PHONE), "qiye")
    phone.goto("/monitoring/board/")  # an enterprise lands on its own live board
    expect(phone.locator("#ay-active-alarms")).to_contain_text("罐区氨气浓度（AT-201）超高高报")
    shoot(phone, "alarm-1-enterprise-board-390")
    phone.locator("#ay-active-alarms").get_by_role("link", name="罐区氨气浓度（AT-201）超高高报").click()
    expect(phone.locator("#ay-status")).to_have_text("待确认")
    phone.get_by_role("button", name="确认报警").click()
    expect(phone.locator("#ay-status")).to_have_text("处置中")
    phone.get_by_label("报警性质").select_option(label="真实报警")
    phone.get_by_label("报警原因").fill("液氨充装软管接头泄漏")
    phone.get_by_label("处置措施").fill("关闭紧急切断阀，更换软管，喷淋稀释后复测 5 ppm")
    photo = tmp_path / "scene.png"
    photo.write_bytes(png_bytes((40, 30)))
    phone.get_by_label("现场照片").set_input_files(str(photo))
    shoot(phone, "alarm-2-handle-390")
    phone.get_by_role("button", name="反馈处置").click()
    expect(phone.locator("#ay-status")).to_have_text("待消警")
    expect(phone.get_by_role("button", name="确认消警")).to_have_count(0)  # not the enterprise's to clear

    # 旧县街道's inspector at a desk: the board lists it among the alarms to confirm
    desk = log_in(new_page(**DESK), "jiuxian")
    desk.goto("/monitoring/board/")
    expect(desk.locator("#ay-to-clear")).to_contain_text("罐区氨气浓度（AT-201）超高高报")
    shoot(desk, "alarm-3-town-board-1366")
    desk.locator("#ay-to-clear").get_by_role("link", name="罐区氨气浓度（AT-201）超高高报").click()
    expect(desk.locator("#alarm-timeline")).to_contain_text("反馈处置")
    expect(desk.get_by_role("img", name="scene.png")).to_be_visible()
    desk.get_by_label("说明").fill("电话核实，现场复测正常")
    desk.get_by_role("button", name="确认消警").click()
    expect(desk.locator("#ay-status")).to_have_text("已消警")
    shoot(desk, "alarm-4-cleared-1366")
    # the sensor's history chart, from the aggregates, with its thresholds
    desk.get_by_role("link", name="AT-201 罐区氨气浓度").first.click()
    expect(desk.locator("#ay-sensor-chart canvas")).to_have_count(1)
    expect(desk.locator("#ay-chart-note")).to_contain_text("分钟汇总点")
    desk.locator("[data-ay-period='7d']").click()
    expect(desk.locator("#ay-chart-note")).to_contain_text("小时汇总点")
    shoot(desk, "alarm-5-sensor-history-1366")
    alarm = Alarm.objects.get(level=1)
    assert alarm.status == "cleared" and not alarm.is_active and alarm.cause == "real"
    assert alarm.acknowledged_by.username == "qiye" and alarm.cleared_by.username == "jiuxian"
