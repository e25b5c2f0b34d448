"""A8.5 warehouse 日周月 checks: the town keeper sees today's 日检 on its 待办, records it from the
warehouse page with one 不符合 item (refused first without saying what was found), and the
district's list shows the warehouses behind. Screenshots at 1366 and 390 px."""

import datetime as dt
import random
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.core import demo as core_demo
from anying.core.models import Organisation, Region
from anying.core.permissions import SYSTEM
from anying.supplies import catalogue, services
from anying.supplies.models import CheckResult, CheckRound, CheckSchedule, Item, Warehouse

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 900}}
SHOTS = Path("/tmp/shots-wcheck")


def snap(page, name):
    path = shoot(page, name)
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


@pytest.fixture
def world(transactional_db):
    core_demo.load(random.Random(1))
    catalogue.load(Item)
    district = Region.objects.get(name="铜梁区", level=Region.Level.DISTRICT)

    def make(name, unit, region, level):
        wh = Warehouse(name=name, owner=Organisation.objects.get(name=unit), level=level, keeper="张保管")
        return services.save_warehouse(SYSTEM, wh, place={"region": region, "latitude": Decimal("29.83"),
                                                          "longitude": Decimal("106.05")})

    town = make("旧县街道应急物资仓库", "旧县街道应急办", Region.objects.get(name="旧县街道", parent=district), "town")
    late = make("虎峰镇应急物资仓库", "虎峰镇应急办", Region.objects.get(name="虎峰镇", parent=district), "town")
    # the town keeps its store every day of the week, so today is always a check day for the test
    CheckSchedule.objects.filter(warehouse=town, frequency="daily").update(workdays="1234567")
    # 虎峰镇's checks started two weeks ago and nothing was recorded: behind
    CheckSchedule.objects.filter(warehouse=late).update(starts_on=timezone.localdate() - dt.timedelta(days=14))
    return {"town": town, "late": late}


def test_keeper_records_a_daily_check_and_the_district_sees_who_is_behind(world, new_page):
    town, late = world["town"], world["late"]
    daily = CheckSchedule.objects.get(warehouse=town, frequency="daily")
    humidity = daily.items.get(text__startswith="温湿度")
    keeper = log_in(new_page(**DESK), "jiuxian")

    # 1. today's 日检 is on the keeper's 待办
    keeper.goto("/todo/")
    expect(keeper.get_by_text("旧县街道应急物资仓库 · 日检")).to_be_visible()

    # 2. from the warehouse page: the card offers today's check
    keeper.goto(f"/supplies/warehouses/{town.pk}/")
    card = keeper.locator("#checks")
    expect(card.locator('tr[data-check="日检"]')).to_contain_text("待检查")
    snap(keeper, "wcheck-01-warehouse-card-1366")
    card.get_by_role("link", name="记录今天的日检").click()
    item = keeper.locator(f'li[data-item="{humidity.pk}"]')
    item.get_by_role("group").get_by_text("不符合").click()
    keeper.get_by_role("button", name="保存检查记录").click()  # no note: refused, nothing saved
    expect(keeper.get_by_text("不符合的检查项须说明发现的问题")).to_be_visible()
    assert not CheckRound.objects.exists()
    item = keeper.locator(f'li[data-item="{humidity.pk}"]')
    expect(item.locator("input[value=fail]")).to_be_checked()  # the answers are kept
    item.locator("input[type=text]").fill("库内湿度 82%，除湿机故障，已报修")
    snap(keeper, "wcheck-02-round-form-1366")
    keeper.get_by_role("button", name="保存检查记录").click()
    expect(keeper.get_by_text("不符合 1 项").first).to_be_visible()
    expect(keeper.locator("#check-results")).to_contain_text("除湿机故障")
    snap(keeper, "wcheck-03-round-1366")
    r = CheckRound.objects.get()
    assert r.schedule == daily and r.fails == 1 and r.done_on == timezone.localdate()
    assert r.results.get(result=CheckResult.Result.FAIL).text == humidity.text

    keeper.goto(f"/supplies/warehouses/{town.pk}/")
    expect(keeper.locator('#checks tr[data-check="日检"]')).to_contain_text("已检查")
    expect(keeper.locator("#check-rounds")).to_contain_text("不符合 1 项")

    # 3. the district's list: 落后 filter shows 虎峰镇, not 旧县街道
    admin = log_in(new_page(**DESK), "admin")
    admin.goto("/supplies/checks/")
    expect(admin.locator('tr[data-warehouse="虎峰镇应急物资仓库"]')).to_contain_text("落后")
    admin.get_by_label("仅落后").check()
    admin.get_by_role("button", name="查询").click()
    expect(admin.locator('tr[data-warehouse="虎峰镇应急物资仓库"]')).to_be_visible()
    expect(admin.locator('tr[data-warehouse="旧县街道应急物资仓库"]')).to_have_count(0)
    snap(admin, "wcheck-04-district-behind-1366")
    admin.goto(f"/supplies/warehouses/{late.pk}/")
    expect(admin.get_by_role("link", name="日周月检查落后")).to_be_visible()

    # 4. the same on a phone
    phone = log_in(new_page(**PHONE), "hufeng")
    phone.goto(f"/supplies/warehouses/{late.pk}/")
    expect(phone.locator("#checks")).to_contain_text("落后")
    snap(phone, "wcheck-05-warehouse-card-390")
    phone.locator("#checks").get_by_role("link", name="记录今天的日检").or_(
        phone.locator("#checks").get_by_role("link", name="补录")).first.click()
    expect(phone.get_by_role("button", name="保存检查记录")).to_be_visible()
    snap(phone, "wcheck-06-round-form-390")
    phone.goto("/supplies/checks/?behind=1")
    expect(phone.locator('tr[data-warehouse="虎峰镇应急物资仓库"]')).to_be_visible()
    expect(phone.locator('tr[data-warehouse="旧县街道应急物资仓库"]')).to_have_count(0)  # another town's
    snap(phone, "wcheck-07-list-390")
