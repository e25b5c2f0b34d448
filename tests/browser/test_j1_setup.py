"""J1 setting up: the district admin checks the units and creates a town inspector's login."""

import re

import pytest
from playwright.sync_api import expect

from .helpers import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_reviews_units_and_creates_town_inspector(page, new_page, district):
    log_in(page, "admin")

    page.get_by_role("link", name="单位管理").click()
    expect(page.get_by_role("heading", name="单位管理")).to_be_visible()
    rows = page.locator("table tbody tr")
    # 29 town offices, 区安委会, 区安委办 and 6 departments: one page of 50.
    expect(rows).to_have_count(37)
    expect(rows.filter(has_text="镇街应急办")).to_have_count(29)
    jingxin = rows.filter(has=page.get_by_role("cell", name="区经信委", exact=True))
    expect(jingxin).to_contain_text("监管部门")
    expect(jingxin.locator(".badge")).to_have_text(["机械", "轻工", "启用"])
    expect(rows.filter(has_text="旧县街道应急办")).to_contain_text("属地（全部行业）")
    shoot(page, "j1-unit-list")

    page.get_by_label("单位类型").select_option(label="镇街应急办")  # submits the filter form
    expect(rows).to_have_count(29)
    expect(page.get_by_text("共 29 条")).to_be_visible()

    page.get_by_role("link", name="用户管理").click()
    page.get_by_role("link", name="新增用户").click()
    expect(page.get_by_role("heading", name="新增用户")).to_be_visible()
    page.fill("#id_username", "jiuxian_zhang")
    page.fill("#id_password", "Xunjian#2026")
    page.fill("#id_display_name", "张巡检")
    page.select_option("#id_role", label="镇街监管员")
    page.select_option("#id_unit", label="旧县街道应急办")
    page.fill("#id_phone", "13800000001")
    page.get_by_role("button", name="保存").click()

    expect(page).to_have_url(re.compile(r"/users/$"))
    expect(page.get_by_role("alert")).to_contain_text("已创建用户：jiuxian_zhang")
    created = page.locator("table tbody tr", has_text="jiuxian_zhang")
    expect(created).to_contain_text("张巡检")
    expect(created).to_contain_text("镇街监管员")
    expect(created).to_contain_text("旧县街道应急办")
    expect(created).to_contain_text("从未")

    # The new inspector logs in on their own machine and works in their town's scope.
    inspector = log_in(new_page(), "jiuxian_zhang", "Xunjian#2026")
    topbar = inspector.locator(".ay-topbar")
    expect(topbar).to_contain_text("旧县街道应急办")
    expect(topbar).to_contain_text("张巡检（镇街监管员）")
    expect(inspector.get_by_role("heading", name="旧县街道应急办 · 工作台")).to_be_visible()
    expect(inspector.get_by_role("link", name="单位管理")).to_have_count(0)
    expect(inspector.get_by_role("link", name="生产经营单位")).to_be_visible()


def test_wrong_password_is_refused_in_chinese(page, district):
    page.goto("/login/")
    page.fill("#id_username", "jiuxian")
    page.fill("#id_password", "wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_have_text("用户名或密码错误。")
    expect(page.locator("#id_username")).to_have_value("jiuxian")
