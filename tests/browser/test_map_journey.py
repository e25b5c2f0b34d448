"""一张图 in a browser: a town officer opens the map, sees the enterprises and shelters it may see,
clicks a point and gets the nearest shelters with distances — at 1366 px and on a phone."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from anying.core.models import Organisation, Region
from anying.places.models import Place

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser


@pytest.fixture
def mapped(make_enterprise):
    jiuxian = Region.objects.get(name="旧县街道")
    office = Organisation.objects.get(region=jiuxian, kind=Organisation.Kind.TOWN_OFFICE)
    bureau = Organisation.objects.get(name="区应急局")
    for n in range(12):
        make_enterprise(f"旧县企业{n}", "旧县街道", "机械", latitude=Decimal("29.80") + Decimal(n) / 500,
                        longitude=(Decimal("106.00") + Decimal(n % 4) / 300).quantize(Decimal("0.000001")))
    Place.objects.create(name="旧县中学避难场所", kind=Place.Kind.SHELTER, owner=office, region=jiuxian, capacity=1200,
                         latitude=Decimal("29.81"), longitude=Decimal("106.01"))
    Place.objects.create(name="区体育中心避难场所", kind=Place.Kind.SHELTER, owner=bureau, region=bureau.region,
                         dispatchable=True, capacity=5000, latitude=Decimal("29.84"), longitude=Decimal("106.05"))


@pytest.mark.parametrize("width, height", [(1366, 900), (390, 844)])
def test_town_officer_finds_the_nearest_shelters(new_page, mapped, width, height):
    phone = width < 500
    page = log_in(new_page(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone), "jiuxian")
    page.goto("/map/")
    expect(page.get_by_role("heading", name="一张图")).to_be_visible()
    expect(page.locator("[data-count=enterprises]")).to_have_text("（12）")
    expect(page.locator("[data-count=shelters]")).to_have_text("（1）")  # the district's lies outside the opening view
    box = page.locator("#ay-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.15, box["y"] + box["height"] * 0.85)  # an empty spot
    panel = page.locator("#ay-nearest")
    expect(panel.get_by_text("应急避难场所")).to_be_visible()
    expect(panel.locator("li").first).to_contain_text("公里")
    names = panel.locator("li").all_inner_texts()
    assert any("旧县中学避难场所" in n for n in names) and any("区体育中心避难场所" in n for n in names)
    shoot(page, f"map-nearest-{width}")
    # from a record: its popup offers the nearest resources to it
    page.locator("[data-layer=enterprises]").uncheck()
    page.locator("[data-layer=major_hazards]").uncheck()
    expect(page.locator("[data-count=enterprises]")).to_have_text("")


def test_the_map_shows_the_warehouse_and_the_nearest_team(new_page, mapped, users):
    """Issue #14's journey ends on the map: the town's warehouse is drawn and a click lists the
    nearest rescue team (the district's, shared for dispatch) with its distance."""
    from anying.rescue import services as rescue
    from anying.rescue.models import Team
    from anying.supplies import services as supplies
    from anying.supplies.models import Warehouse

    jiuxian = Region.objects.get(name="旧县街道")
    office = Organisation.objects.get(region=jiuxian, kind=Organisation.Kind.TOWN_OFFICE)
    bureau = Organisation.objects.get(name="区应急局")
    supplies.save_warehouse(None, Warehouse(name="旧县街道应急物资仓库", owner=office, level=Warehouse.Level.TOWN),
                            place={"region": jiuxian, "latitude": Decimal("29.815"), "longitude": Decimal("106.005")})
    rescue.save_team(None, Team(name="区应急救援中队", category=Team.Category.DISTRICT, owner=bureau,
                                region=bureau.region, dispatchable=True, leader="王队长"),
                     base={"latitude": Decimal("29.83"), "longitude": Decimal("106.03")})
    page = log_in(new_page(viewport={"width": 1366, "height": 900}), "jiuxian")
    page.goto("/map/")
    expect(page.locator("[data-count=warehouses]")).to_have_text("（1）")
    box = page.locator("#ay-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.15, box["y"] + box["height"] * 0.85)
    panel = page.locator("#ay-nearest")
    expect(panel.get_by_text("救援队伍")).to_be_visible()
    expect(panel.locator("li", has_text="区应急救援中队")).to_contain_text("公里")
    expect(panel.locator("li", has_text="旧县街道应急物资仓库")).to_contain_text("公里")
    shoot(page, "map-warehouse-team-1366")
