"""Issue #18 point 5 in a browser: 玉泉村's 灾害信息员, on a 390 px phone, records a collapsed house
of the 7·12 rainstorm with assessment photos and files a relocation plan — the first site, 60 m
from an open geological point, is refused with the point named; the second, 500 m away, passes;
the town approves it at a 1366 px desk; the village reports 开工, 主体完工 and 竣工 with photos;
the town accepts the works with a photo; the district pays the subsidy to the person's account,
shown masked. Screenshots at both widths."""

import datetime as dt
import io
import math
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.houses.models import Household

from ..houses.conftest import SITE, event, north, officer, risk_point, valid_id, villages  # noqa: F401 — fixtures
from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 900}}


def _jpeg(name: str) -> dict:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (150, 110, 90)).save(buf, format="JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": buf.getvalue()}


def _no_sideways(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{what} scrolls sideways on a phone ({width} px)"


def _step(page, label: str, photo: str | None = None, **fields) -> None:
    if photo:
        page.locator("#steps input[type=file]").set_input_files([_jpeg(photo)])
    for name, value in fields.items():
        page.locator(f"#steps [name={name}]").fill(value)
    page.locator("#steps").get_by_role("button", name=label, exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text(f"已{label}")


def test_a_collapsed_house_from_assessment_to_payment(new_page, users, event, villages, officer,  # noqa: F811
                                                      risk_point):  # noqa: F811
    risk_point("geological", name="玉泉村4组后山滑坡")
    phone = log_in(new_page(**PHONE), "cunyuan")
    phone.goto("/houses/")
    phone.get_by_role("link", name="登记倒损住房户").click()
    phone.select_option("#id_event", str(event.pk))
    phone.select_option("#id_village", label="玉泉村")
    phone.fill("#id_group", "4组12号")
    phone.fill("#id_head", "何国强")
    phone.fill("#id_id_number", valid_id(1))
    phone.fill("#id_phone", "13912345678")
    phone.fill("#id_members", "4")
    phone.select_option("#id_structure", "earth_wood")
    phone.fill("#id_rooms", "4")
    phone.fill("#id_rooms_collapsed", "4")
    phone.fill("#id_cause", "山洪冲毁")
    phone.fill("#id_assessed_on", str(timezone.localdate(event.started_at) + dt.timedelta(days=1)))
    phone.fill("#id_assessors", "镇规划建设办 王建平，村委会 何玉泉")
    phone.locator("#id_photos").set_input_files([_jpeg("正面.jpg"), _jpeg("屋内.jpg")])
    shoot(phone, "houses-1-record-390")
    _no_sideways(phone, "the record form")
    phone.get_by_role("button", name="保存").click()
    expect(phone.locator(".alert-success")).to_contain_text("预计补助 20,000.00 元")
    house = Household.objects.get()
    expect(phone.locator("body")).to_contain_text("正面.jpg")
    shoot(phone, "houses-2-detail-390")
    _no_sideways(phone, "the household page")

    # the plan: the first site lies 60 m from the landslide and is refused, nothing saved
    phone.get_by_role("link", name="填报方案").click()
    phone.locator("label", has_text="异地新建").click()
    phone.fill("#id_site_address", "玉泉村4组后山坡下")
    phone.fill("#id_longitude", str(SITE[1]))
    phone.fill("#id_latitude", str(north(SITE[0], 60)))
    phone.get_by_role("button", name="保存").click()
    expect(phone.locator("#site-near")).to_contain_text("玉泉村4组后山滑坡")
    expect(phone.locator(".invalid-feedback").first).to_contain_text("不予通过")
    shoot(phone, "houses-3-site-refused-390")
    _no_sideways(phone, "the refused plan")
    assert Household.objects.get().mode == ""
    phone.fill("#id_site_address", "玉泉村集中安置点3号地块")
    phone.fill("#id_latitude", str(north(SITE[0], 500)))
    phone.get_by_role("button", name="保存").click()
    expect(phone.locator(".alert-success")).to_contain_text("已保存方案：异地新建")
    expect(phone.locator("#plan")).to_be_visible()
    expect(phone.locator("body")).to_contain_text("米内无未销号")
    _step(phone, "提交方案")

    town = log_in(new_page(**DESK), "jiuxian")
    town.goto("/todo/")
    town.get_by_role("link", name="玉泉村 · 何国强户").first.click()
    shoot(town, "houses-4-approve-1366")
    _step(town, "批准方案")

    phone.reload()
    _step(phone, "开工", "开工.jpg")
    _step(phone, "主体完工", "主体.jpg")
    _step(phone, "竣工", "竣工.jpg")
    shoot(phone, "houses-5-completed-390")
    _no_sideways(phone, "the milestones")

    town.reload()
    _step(town, "验收合格", "验收.jpg")

    district = log_in(new_page(**DESK), "admin")
    district.goto(f"/houses/{house.pk}/")
    _step(district, "发放补助", account="6217003760012345678", bank="重庆农村商业银行铜梁支行")
    expect(district.locator("body")).to_contain_text("已发放 20,000.00 元")
    expect(district.locator("body")).to_contain_text("5678")
    expect(district.locator("body")).not_to_contain_text("6217003760012345678")
    shoot(district, "houses-6-paid-1366")
    district.goto("/houses/")
    expect(district.locator("body")).to_contain_text("补助已发放")
    expect(district.locator("body")).not_to_contain_text(valid_id(1))
    shoot(district, "houses-7-list-1366")
    phone.goto("/houses/")
    shoot(phone, "houses-8-list-390")
    _no_sideways(phone, "the ledger list")
    house.refresh_from_db()
    assert (house.status, house.paid_amount, house.account) == ("paid", Decimal("20000.00"), "6217003760012345678")
    assert math.isclose(float(house.site_lat), float(north(SITE[0], 500)))
