"""J1 public page: the 三个责任人 entered by the admin are shown on the enterprise's public 公示 page."""

import pytest
from playwright.sync_api import expect

from .helpers import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSONS = [
    ("行政区域负责人", "陈镇长", "旧县街道办事处主任", "023-45611111"),
    ("行业监管部门负责人", "赵主任", "区经信委副主任", "023-45622222"),
    ("企业单位负责人", "李厂长", "总经理", "13900000003"),
]


def test_public_page_shows_three_responsible_persons(page, new_page, make_enterprise):
    ent = make_enterprise("重庆铜梁精工机械有限公司", "旧县街道", "机械", address="旧县街道工业园 8 号")
    log_in(page, "admin")
    page.goto(f"/enterprises/{ent.pk}/")
    expect(page.get_by_role("heading", name="重庆铜梁精工机械有限公司")).to_be_visible()
    expect(page.get_by_text("未填报")).to_have_count(3)

    page.get_by_role("link", name="责任人与人员").click()
    form = page.locator("form[action$='/responsible/save/']")
    for kind, name, title, phone in PERSONS:
        form.get_by_label("类别").select_option(label=kind)
        form.get_by_label("姓名").fill(name)
        form.get_by_label("职务").fill(title)
        form.get_by_label("电话").fill(phone)
        form.get_by_role("button", name="保存责任人").click()
        expect(page.get_by_role("alert")).to_contain_text(f"已保存三个责任人：{kind} {name}")
    expect(page.get_by_text("未填报")).to_have_count(0)

    with page.expect_popup() as popup_info:
        page.get_by_role("link", name="公示页").click()
    public_url = popup_info.value.url
    assert "/enterprises/public/" in public_url

    # Scanned from the QR code on the factory gate: an anonymous phone, no login.
    public = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    response = public.goto(public_url)
    assert response.status == 200
    expect(public.get_by_role("heading", name="安全生产责任公示")).to_be_visible()
    expect(public.get_by_role("heading", name="重庆铜梁精工机械有限公司")).to_be_visible()
    expect(public.get_by_text("旧县街道 · 机械")).to_be_visible()
    items = public.locator(".list-group-item")
    expect(items).to_have_count(3)
    for item, (kind, name, title, phone) in zip(items.all(), PERSONS, strict=True):
        expect(item).to_contain_text(kind)
        expect(item.locator(".person")).to_have_text(name)
        expect(item).to_contain_text(title)
        expect(item.get_by_role("link", name=phone)).to_have_attribute("href", f"tel:{phone}")
    expect(public.get_by_role("button", name="退出")).to_have_count(0)
    expect(public.get_by_text(ent.credit_code)).to_have_count(0)
    shoot(public, "j1-public-page-phone")

    # The QR code image on the detail page and its download endpoint are PNGs.
    page.get_by_role("link", name="基本信息").click()
    qr = page.get_by_role("img", name="公示页二维码")
    expect(qr).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    qr_response = page.request.get(f"/enterprises/{ent.pk}/qr.png")
    assert qr_response.status == 200
    assert qr_response.headers["content-type"] == "image/png"
    assert qr_response.body().startswith(b"\x89PNG\r\n\x1a\n")
    with page.expect_download() as info:
        page.get_by_role("link", name="下载公示二维码").click()
    assert info.value.suggested_filename.endswith(".png")

    # Without a login the QR endpoint is not served (it would reveal enterprise ids).
    anonymous = public.request.get(f"/enterprises/{ent.pk}/qr.png", max_redirects=0)
    assert anonymous.status == 302
