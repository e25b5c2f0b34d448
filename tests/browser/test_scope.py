"""J8 scope: a town inspector sees only their town, a department only its industries, the admin all."""

import pytest
from playwright.sync_api import expect

from .helpers import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def enterprises(make_enterprise):
    return {
        "hufeng": make_enterprise("虎峰镇精密铸造厂", "虎峰镇", "机械"),
        "jiuxian_light": make_enterprise("旧县街道纸品厂", "旧县街道", "轻工"),
        "jiuxian_chem": make_enterprise("旧县街道化工有限公司", "旧县街道", "危险化学品"),
    }


def expect_listed(page, names: list[str]):
    """The list shows exactly these enterprises (it is sorted by name, as Python sorts them)."""
    expect(page.locator("#enterprise-table tbody td:first-child a")).to_have_text(sorted(names))


def search(page, text: str):
    page.get_by_placeholder("企业名称或统一社会信用代码").fill(text)
    page.get_by_role("button", name="查询").click()


def test_town_inspector_cannot_find_or_open_other_towns_enterprise(page, enterprises):
    log_in(page, "jiuxian")
    page.get_by_role("link", name="生产经营单位").click()
    expect_listed(page, ["旧县街道化工有限公司", "旧县街道纸品厂"])
    # Only their own town is offered in the filter.
    expect(page.locator("#f-region option")).to_have_text(["全部镇街", "旧县街道"])

    search(page, "虎峰镇精密铸造厂")
    expect(page.locator("#enterprise-table")).to_contain_text("没有符合条件的企业")
    search(page, enterprises["hufeng"].credit_code)
    expect(page.locator("#enterprise-table")).to_contain_text("没有符合条件的企业")

    response = page.goto(f"/enterprises/{enterprises['hufeng'].pk}/")
    assert response.status == 404
    # denied or missing: a Chinese page with a way back, never Django's "Not Found" (issue #13)
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    expect(page.get_by_role("link", name="回到首页")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Not Found")
    shoot(page, "denied-page-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "denied-page-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    response = page.goto(f"/enterprises/{enterprises['hufeng'].pk}/edit/")
    assert response.status == 404
    response = page.goto(f"/enterprises/{enterprises['jiuxian_light'].pk}/")
    assert response.status == 200


def test_admin_sees_every_town(page, enterprises):
    log_in(page, "admin")
    page.goto("/enterprises/")
    expect_listed(page, ["旧县街道化工有限公司", "旧县街道纸品厂", "虎峰镇精密铸造厂"])
    search(page, "虎峰镇精密铸造厂")
    expect(page.locator("#enterprise-table tbody tr")).to_have_count(1)
    page.get_by_role("link", name="虎峰镇精密铸造厂").click()
    expect(page.get_by_role("heading", name="虎峰镇精密铸造厂")).to_be_visible()


def test_department_sees_only_its_industries(page, enterprises):
    log_in(page, "jingxin")  # 区经信委: 机械 and 轻工, in every town
    page.goto("/enterprises/")
    expect_listed(page, ["旧县街道纸品厂", "虎峰镇精密铸造厂"])
    response = page.goto(f"/enterprises/{enterprises['jiuxian_chem'].pk}/")
    assert response.status == 404
