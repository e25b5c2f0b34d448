"""The enterprise list: htmx filters, export of what is filtered, and use on a tablet."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from anying.core.models import Region

from .helpers import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JIUXIAN = ["旧县街道五金厂", "旧县街道纸品厂", "旧县街道铸造厂"]
OTHERS = ["虎峰镇食品厂", "巴川街道印刷厂"]


@pytest.fixture
def enterprises(make_enterprise):
    made = [make_enterprise(name, "旧县街道", industry)
            for name, industry in zip(JIUXIAN, ["机械", "轻工", "机械"], strict=True)]
    made.append(make_enterprise("虎峰镇食品厂", "虎峰镇", "轻工"))
    made.append(make_enterprise("巴川街道印刷厂", "巴川街道", "轻工"))
    return made


def table_names(page):
    return page.locator("#enterprise-table tbody td:first-child a")


def export_names(page) -> list[str]:
    with page.expect_download() as info:
        page.get_by_role("link", name="导出").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    ws = load_workbook(io.BytesIO(download.path().read_bytes())).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][:2] == ("统一社会信用代码", "企业名称")  # under the title row
    return sorted(r[1] for r in rows[2:])


def filter_by_town_with_htmx(page, town: str):
    page.goto("/enterprises/")
    expect(table_names(page)).to_have_count(5)
    page.evaluate("window.__notReloaded = true")
    with page.expect_response(re.compile(r"/enterprises/\?")) as response_info:
        page.get_by_label("镇街").select_option(label=town)
    assert response_info.value.request.headers.get("hx-request") == "true"


def test_town_filter_updates_table_in_place(page, enterprises):
    log_in(page, "admin")
    filter_by_town_with_htmx(page, "旧县街道")
    expect(table_names(page)).to_have_text(sorted(JIUXIAN))
    expect(page.get_by_text("共 3 条")).to_be_visible()
    region_id = Region.objects.get(name="旧县街道").pk
    expect(page).to_have_url(re.compile(rf"/enterprises/\?.*region={region_id}(&|$)"))
    assert page.evaluate("window.__notReloaded") is True, "the filter reloaded the whole page"
    expect(page.get_by_role("heading", name="生产经营单位")).to_have_count(1)  # table swapped, not the page
    shoot(page, "list-filtered-by-town")

    # A second filter narrows further, still in place; reloading the pushed URL keeps the filter.
    page.get_by_label("行业", exact=True).select_option(label="\u3000机械")
    expect(table_names(page)).to_have_text(["旧县街道五金厂", "旧县街道铸造厂"])
    assert page.evaluate("window.__notReloaded") is True
    page.reload()
    expect(table_names(page)).to_have_text(["旧县街道五金厂", "旧县街道铸造厂"])
    expect(page.get_by_label("镇街").locator("option:checked")).to_have_text("旧县街道")

    # The export of a page opened with the filter has exactly the filtered rows.
    assert export_names(page) == ["旧县街道五金厂", "旧县街道铸造厂"]


def test_export_after_htmx_filter_has_only_filtered_rows(page, enterprises):
    log_in(page, "admin")
    filter_by_town_with_htmx(page, "旧县街道")
    expect(table_names(page)).to_have_text(sorted(JIUXIAN))
    assert export_names(page) == sorted(JIUXIAN)


def test_back_button_after_htmx_filter_shows_the_full_list_page(page, enterprises):
    log_in(page, "admin")
    filter_by_town_with_htmx(page, "旧县街道")
    expect(table_names(page)).to_have_text(sorted(JIUXIAN))
    page.get_by_role("link", name="旧县街道纸品厂").click()
    expect(page.get_by_role("heading", name="旧县街道纸品厂")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", name="生产经营单位")).to_be_visible(timeout=2000)
    expect(table_names(page)).to_have_text(sorted(JIUXIAN))


def test_tablet_menu_and_list(new_page, enterprises):
    page = new_page(viewport={"width": 768, "height": 1024}, has_touch=True)
    log_in(page, "jiuxian")
    sidebar_link = page.locator("#ay-sidebar").get_by_role("link", name="生产经营单位")
    expect(sidebar_link).to_be_hidden()  # the sidebar is folded away on a tablet

    toggle = page.get_by_role("button", name="打开菜单")
    expect(toggle).to_be_visible()
    toggle.click()
    expect(page.locator("#ay-sidebar")).to_have_class(re.compile(r"\bshow\b"))
    expect(sidebar_link).to_be_visible()
    shoot(page, "tablet-menu-open")
    sidebar_link.click()

    expect(page.get_by_role("heading", name="生产经营单位")).to_be_visible()
    expect(table_names(page)).to_have_text(sorted(JIUXIAN))
    expect(page.get_by_role("button", name="打开菜单")).to_be_visible()
    # Nothing spills sideways out of the page; wide tables scroll inside their own box.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a tablet"
    expect(page.get_by_placeholder("企业名称或统一社会信用代码")).to_be_visible()
    expect(page.get_by_role("link", name="登记企业")).to_be_visible()
    expect(page.get_by_role("link", name="导出")).to_be_visible()

    page.get_by_placeholder("企业名称或统一社会信用代码").fill("纸品")
    page.get_by_role("button", name="查询").tap()
    expect(table_names(page)).to_have_text(["旧县街道纸品厂"])
    shoot(page, "tablet-list")
    table_names(page).first.tap()
    expect(page.get_by_role("heading", name="旧县街道纸品厂")).to_be_visible()
