"""The 区安委办's week in a browser: the dashboard (each figure opens its records; a town sees
only its town), a 晾晒 ranking computed and published, and a 月分析 report generated and
downloaded as a real .docx."""

import datetime as dt

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from tests.oversight.test_dashboard import make_hazard, make_tip

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser
TODAY = timezone.localdate()


@pytest.fixture
def district_data(users, town, make_enterprise, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    jx = make_enterprise("旧县机械厂", "旧县街道", "机械")
    hf = make_enterprise("虎峰建材厂", "虎峰镇", "建材")
    admin = users["admin"]
    make_hazard(jx, level="major", to=("start",), actor=admin, deadline=TODAY - dt.timedelta(days=3))
    make_hazard(jx, channel="self", found=35)
    make_hazard(hf, to=("start",), actor=admin, deadline=TODAY - dt.timedelta(days=1))
    make_hazard(hf, channel="covert")
    make_tip(town("虎峰镇"))


def test_dashboard_figures_open_their_records_and_towns_see_their_own(new_page, district_data):
    page = log_in(new_page(viewport={"width": 1400, "height": 1000}), "admin")
    page.get_by_role("link", name="综合看板：隐患、执法、举报、事故一览").click()  # the home page's button
    expect(page.get_by_role("heading", name="综合看板 · 区安委办")).to_be_visible()
    figures = page.locator("#ay-hazard-figures")
    expect(figures.locator('[data-figure="open"]')).to_have_text("4")
    # the self-found one of 35 days ago has the default 30-day deadline, so it is overdue too
    expect(figures.locator('[data-figure="overdue"]')).to_have_text("3")
    expect(page.locator("#ay-trend-chart canvas")).to_be_visible()  # ECharts drew the trend
    table = page.locator("#ay-region-table")
    expect(table.get_by_role("row", name="旧县街道")).to_contain_text("2")
    shoot(page, "oversight-dashboard-district")
    figures.get_by_role("link", name="逾期未整改").click()
    expect(page).to_have_url("/hazards/?overdue=1")
    expect(page.get_by_text("共 3 条")).to_be_visible()

    town = log_in(new_page(viewport={"width": 1400, "height": 1000}), "jiuxian")
    town.goto("/oversight/")
    expect(town.locator('[data-figure="open"]')).to_have_text("2")
    expect(town.locator('[data-figure="overdue"]')).to_have_text("2")
    expect(town.locator("#ay-region-table tbody tr")).to_have_count(1)
    expect(town.locator("#ay-region-table")).not_to_contain_text("虎峰镇")
    shoot(town, "oversight-dashboard-town")


def test_a_ranking_is_computed_published_and_seen_by_the_towns(new_page, district_data):
    admin = log_in(new_page(), "admin")
    admin.goto("/oversight/rankings/")
    admin.get_by_label("排名方案").select_option(label="镇街安全生产月度晾晒")
    admin.get_by_label("期间内任一日").fill(TODAY.isoformat())
    admin.get_by_role("button", name="计算排名").click()
    expect(admin.get_by_text("草稿，尚未发布")).to_be_visible()
    admin.once("dialog", lambda dialog: dialog.accept())
    admin.get_by_role("button", name="发布").click()
    expect(admin.get_by_role("alert")).to_contain_text("已发布")
    ranking_url = admin.url

    town = log_in(new_page(), "hufeng")
    town.goto(ranking_url)
    expect(town.locator("#ay-ranking-table tr.table-primary")).to_contain_text("虎峰镇应急办")  # its own row
    expect(town.locator("#ay-ranking-table tbody tr")).to_have_count(2)  # the towns with enterprises
    expect(town.locator("#ay-unranked")).to_contain_text("无监管对象，不参与排名")  # the 27 others
    shoot(town, "oversight-ranking-town")


def test_a_monthly_report_is_generated_and_downloaded(new_page, district_data, tmp_path):
    page = log_in(new_page(), "leader")
    page.goto("/oversight/reports/")
    page.get_by_label("报告类型").select_option(label="月分析")
    page.get_by_label("期间内任一日").fill(TODAY.isoformat())
    page.get_by_role("button", name="生成报告").click()
    expect(page.get_by_role("alert")).to_contain_text("已生成")
    with page.expect_download() as info:
        page.get_by_role("link", name="下载").first.click()
    path = tmp_path / "report.docx"
    info.value.save_as(path)
    document = Document(path)
    assert document.paragraphs[0].text.endswith("安全生产形势月度分析")
    assert len(document.inline_shapes) >= 1
