"""Issue #14 "Done when" (supplies): the town keeper receives flood supplies, issues some first-
expiring-first, a lot expires and is blocked, the district approves a 调拨 from the district
warehouse to the town, it is dispatched and received — the ledger and the balances agree at each
step (and `check_ledger` passes at the end). Screenshots at 1366 and 390 px."""

import datetime as dt
import random
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.core import demo as core_demo
from anying.core.models import Organisation, Region, User
from anying.core.permissions import SYSTEM
from anying.supplies import catalogue, checks, services
from anying.supplies.models import Item, Lot, StockBalance, StockDocument, Transfer, Warehouse

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 900}}


def day(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def qty(wh, item) -> Decimal:
    row = StockBalance.objects.filter(warehouse=wh, item=item).first()
    return row.quantity if row else Decimal(0)


def on_page(page, item_code: str) -> str:
    return page.locator(f'tr[data-item="{item_code}"] td[data-qty]').get_attribute("data-qty")


@pytest.fixture
def world(transactional_db):
    core_demo.load(random.Random(1))
    catalogue.load(Item)
    district = Region.objects.get(name="铜梁区", level=Region.Level.DISTRICT)
    town = Region.objects.get(name="旧县街道", parent=district)

    def make(name, unit, region, level, dispatchable):
        wh = Warehouse(name=name, owner=Organisation.objects.get(name=unit), level=level, keeper="张保管")
        return services.save_warehouse(SYSTEM, wh, place={"region": region, "latitude": Decimal("29.83"),
                                                          "longitude": Decimal("106.05"), "dispatchable": dispatchable})

    main = make("区级应急物资储备库", "区应急局", district, "district", True)
    jiuxian = make("旧县街道应急物资仓库", "旧县街道应急办", town, "town", False)
    jackets = Item.objects.get(code="FH-003")
    services.create_and_post(SYSTEM, kind="receipt", warehouse=main, lines=[
        {"item": jackets, "quantity": 500, "batch": "Q2025", "expiry_date": day(400)}])
    return {"main": main, "town": jiuxian, "jackets": jackets}


def fill_line(page, n, *, item, quantity, batch="", expiry=None):
    page.get_by_label(f"物资 {n}", exact=True).select_option(label=f"{item.code} {item.name}（{item.uom}）")
    page.get_by_label(f"数量 {n}", exact=True).fill(str(quantity))
    if batch:
        page.get_by_label(f"批次号 {n}", exact=True).fill(batch)
    if expiry:
        page.get_by_label(f"有效期至 {n}", exact=True).fill(expiry.isoformat())


def test_supplies_journey(world, new_page):
    main, town, jackets = world["main"], world["town"], world["jackets"]
    keeper = log_in(new_page(**DESK), "jiuxian")

    # 1. the town keeper receives flood supplies: two lots of 救生衣 with different expiry dates
    keeper.goto(f"/supplies/warehouses/{town.pk}/")
    keeper.locator("a[href*=\"kind=receipt\"]").click()
    fill_line(keeper, 1, item=jackets, quantity=50, batch="A-近效期", expiry=day(10))
    fill_line(keeper, 2, item=jackets, quantity=30, batch="B-远效期", expiry=day(200))
    keeper.get_by_label("来源/去向").fill("区应急局下拨")
    shoot(keeper, "supplies-01-receipt-form-1366")
    keeper.get_by_role("button", name="保存并记账").click()
    expect(keeper.locator("#doc-status")).to_have_text("已记账")
    assert qty(town, jackets) == 80
    keeper.goto(f"/supplies/warehouses/{town.pk}/")
    assert on_page(keeper, "FH-003") == "80"
    expect(keeper.get_by_text("临期").first).to_be_visible()

    # 2. issue 60 first-expiring-first: all of A (50), then 10 of B
    keeper.locator("a[href*=\"kind=issue\"]").click()
    fill_line(keeper, 1, item=jackets, quantity=60)
    keeper.get_by_label("来源/去向").fill("旧县街道涪江沿线村社")
    keeper.get_by_role("button", name="保存并记账").click()
    expect(keeper.locator("#doc-status")).to_have_text("已记账")
    rows = keeper.locator("#entries tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("A-近效期")
    expect(rows.nth(0)).to_contain_text("-50")
    expect(rows.nth(1)).to_contain_text("B-远效期")
    expect(rows.nth(1)).to_contain_text("-10")
    shoot(keeper, "supplies-02-issue-fefo-1366")
    assert dict(Lot.objects.filter(warehouse=town).values_list("batch", "quantity")) == {"A-近效期": 0, "B-远效期": 20}
    keeper.goto(f"/supplies/warehouses/{town.pk}/")
    assert on_page(keeper, "FH-003") == "20"

    # 3. a lot expires: it stays on the books, flagged, and is blocked from issue
    services.create_and_post(SYSTEM, kind="receipt", warehouse=town, lines=[
        {"item": jackets, "quantity": 10, "batch": "C-将过期", "expiry_date": day(3)}])
    Lot.objects.filter(batch="C-将过期").update(expiry_date=day(-1))  # three days later
    keeper.goto(f"/supplies/warehouses/{town.pk}/")
    expect(keeper.get_by_text("已过期").first).to_be_visible()
    assert on_page(keeper, "FH-003") == "30"
    keeper.locator("a[href*=\"kind=issue\"]").click()
    fill_line(keeper, 1, item=jackets, quantity=25)
    keeper.get_by_role("button", name="保存并记账").click()
    expect(keeper.get_by_text(re.compile("库存不足.*可出库 20.*另有已过期 10"))).to_be_visible()
    shoot(keeper, "supplies-03-expired-blocked-1366")
    assert qty(town, jackets) == 30 and StockDocument.objects.filter(kind="issue").count() == 1

    # 4. the town asks the district for 100 救生衣 from its shared reserve
    keeper.goto(f"/supplies/warehouses/{main.pk}/")
    keeper.get_by_role("link", name="申请调拨").click()
    keeper.get_by_label("调入仓库").select_option(label="旧县街道应急物资仓库")
    keeper.get_by_label("用途").fill("旧县街道汛期转移群众")
    fill_line(keeper, 1, item=jackets, quantity=100)
    keeper.get_by_role("button", name="提交").click()
    expect(keeper.locator("#transfer-status")).to_have_text("待审批")
    transfer = Transfer.objects.get()

    leader = log_in(new_page(**DESK), "leader")
    leader.goto(f"/supplies/transfers/{transfer.pk}/")
    leader.get_by_role("button", name="批准").click()
    expect(leader.locator("#transfer-status")).to_have_text("已批准待发运")

    bureau = log_in(new_page(**DESK), "yingji")
    bureau.goto(f"/supplies/transfers/{transfer.pk}/")
    bureau.get_by_role("button", name="发运").click()
    expect(bureau.locator("#transfer-status")).to_have_text("已发运")
    assert qty(main, jackets) == 400 and qty(town, jackets) == 30
    bureau.goto(f"/supplies/warehouses/{main.pk}/")
    assert on_page(bureau, "FH-003") == "400"

    keeper.goto(f"/supplies/transfers/{transfer.pk}/")
    keeper.get_by_role("button", name="接收").click()
    expect(keeper.locator("#transfer-status")).to_have_text("已接收")
    shoot(keeper, "supplies-04-transfer-received-1366")
    assert qty(town, jackets) == 130
    keeper.goto(f"/supplies/warehouses/{town.pk}/")
    assert on_page(keeper, "FH-003") == "130"
    shoot(keeper, "supplies-05-town-stock-1366")
    keeper.goto(f"/supplies/warehouses/{town.pk}/ledger/")
    expect(keeper.get_by_text("Q2025").first).to_be_visible()  # the district's batch arrived as it left

    # 5. the same on a phone
    phone = log_in(new_page(**PHONE), "jiuxian")
    phone.goto(f"/supplies/warehouses/{town.pk}/")
    assert on_page(phone, "FH-003") == "130"
    shoot(phone, "supplies-06-town-stock-390")
    phone.goto(f"/supplies/transfers/{transfer.pk}/")
    shoot(phone, "supplies-07-transfer-390")
    phone.goto("/supplies/balances/")
    shoot(phone, "supplies-08-balances-390")
    assert User.objects.get(username="jiuxian")
    assert checks.problems() == []


def test_a_town_plans_its_reserve_and_the_district_reviews_it(world, new_page):
    """A8.7: the town keeper writes next year's demand plan on a phone and submits it; the gap
    against its own stock shows; the district's approver returns it, the town revises and
    resubmits, and the approver accepts it — then sees it in the district's summary."""
    from anying.supplies.models_planning import DemandPlan

    services.create_and_post(SYSTEM, kind="receipt", warehouse=world["town"], lines=[
        {"item": world["jackets"], "quantity": 40, "batch": "T1", "expiry_date": day(300)}])
    year = timezone.localdate().year + 1
    town = log_in(new_page(**PHONE), "jiuxian")
    town.goto("/supplies/demand/")
    town.get_by_role("link", name="编制本单位计划").click()
    town.get_by_label("年度").fill(str(year))
    town.get_by_label("计划名称").fill("旧县街道防汛物资储备需求计划")
    jackets = world["jackets"]
    town.get_by_label("物资 1", exact=True).select_option(label=f"{jackets.code} {jackets.name}（{jackets.uom}）")
    town.get_by_label("需求数量 1", exact=True).fill("100")
    town.get_by_label("用途 1", exact=True).fill("转移群众")
    town.get_by_role("button", name="保存").click()
    expect(town.get_by_role("alert")).to_contain_text("已保存")
    table = town.locator("#ay-demand-table")
    expect(table).to_contain_text("救生衣")
    expect(table.locator("tr.table-warning")).to_contain_text("60")  # 100 needed, 40 held
    expect(town.get_by_text("1 种有缺口")).to_be_visible()
    shoot(town, "supplies-demand-phone")
    town.get_by_role("button", name="报送").click()
    expect(town.locator("#plan-status")).to_have_text("已报送")
    plan = DemandPlan.objects.get()

    leader = log_in(new_page(**DESK), "leader")
    leader.goto("/todo/")
    leader.get_by_role("link", name=str(plan)).click()
    leader.get_by_label("说明").fill("救生衣按堤段长度应增至 150 件")
    leader.get_by_role("button", name="退回修改").click()
    expect(leader.locator("#plan-status")).to_have_text("退回修改")

    town.reload()
    expect(town.get_by_text("救生衣按堤段长度应增至 150 件")).to_be_visible()
    town.get_by_role("link", name="修改").click()
    town.get_by_label("需求数量 1", exact=True).fill("150")
    town.get_by_role("button", name="保存").click()
    town.get_by_role("button", name="报送").click()
    expect(town.locator("#plan-status")).to_have_text("已报送")

    leader.reload()
    leader.get_by_role("button", name="审核通过").click()
    expect(leader.locator("#plan-status")).to_have_text("已审核")
    leader.goto(f"/supplies/demand/summary/?year={year}")
    row = leader.locator("#ay-demand-summary tbody tr").first
    expect(row).to_contain_text("救生衣")
    expect(row).to_contain_text("150")
    shoot(leader, "supplies-demand-summary-desk")
    assert DemandPlan.objects.get().lines.get().quantity == 150
