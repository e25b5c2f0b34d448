"""进山扫码 on a phone without an account (issue #17 "Done when": the QR entry form works on a 390 px
phone with no account): the town prints the checkpoint's QR, a visitor at level 3 fills the form,
is refused without the pledge, registers, later checks out from the same phone; the checkpoint's
page counts the entry."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.core import demo as core_demo
from anying.core.models import Region
from anying.core.permissions import SYSTEM
from anying.forestfire import entry, services
from anying.forestfire.demo import _id_number
from anying.forestfire.models import Entry

from .helpers import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_registers_and_checks_out_on_a_phone(page, new_page):
    import random

    core_demo.load(random.Random(1))
    entry.forget()
    town = Region.objects.get(name="旧县街道")
    services.set_level(SYSTEM, town.pk, timezone.localdate(), 3)
    cp = services.save_checkpoint(SYSTEM, {"region_id": town.pk, "name": "西山林场森林防火检查站", "forest": "西山林场"})

    # the town prints the QR poster (desktop)
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "jiuxian")
    page.goto(f"/forest/checkpoints/{cp.pk}/")
    expect(page.get_by_role("heading", name="西山林场森林防火检查站")).to_be_visible()
    expect(page.get_by_text("缺值守")).to_be_visible()  # level 3 and nobody rostered
    shoot(page, "forest-checkpoint-1366")
    page.get_by_role("link", name="打印进山二维码").click()
    expect(page.get_by_role("img", name="进山登记二维码")).to_be_visible()
    public_url = page.locator("p.text-break").inner_text().strip()
    assert f"/forest/in/{cp.token}/" in public_url

    # a visitor scans it: a 390 px phone, no account
    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    assert phone.goto(f"/forest/in/{cp.token}/").status == 200
    expect(phone.get_by_text("今日森林火险 3级 较高火险（黄旗）")).to_be_visible()
    expect(phone.get_by_text("进山人员须扫码登记")).to_be_visible()
    expect(phone.get_by_role("button", name="退出")).to_have_count(0)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the form scrolls sideways on a phone ({width} px)"
    shoot(phone, "forest-entry-390")
    number = _id_number(random.Random(3))
    phone.get_by_label("姓名").fill("张三")
    phone.get_by_label("手机号").fill("13812345678")
    phone.get_by_label("身份证号").fill(number)
    phone.get_by_label("旅游观光、徒步").check()
    phone.get_by_role("button", name="登记进山").click()
    expect(phone.get_by_text("请阅读并勾选防火承诺")).to_be_visible()  # nothing saved without the pledge
    assert not Entry.objects.exists()
    phone.get_by_label("我承诺").check()
    phone.get_by_role("button", name="登记进山").click()
    expect(phone.get_by_text("已登记进山")).to_be_visible()
    expect(phone.get_by_text(number[:4] + "*" * 10 + number[-4:])).to_be_visible()
    shoot(phone, "forest-entry-done-390")
    e = Entry.objects.get()
    assert e.required and e.level == 3 and e.id_masked.startswith(number[:4]) and number not in e.id_hash

    # later, from the same phone
    phone.get_by_role("button", name="登记下山").click()
    expect(phone.get_by_role("heading", name="已登记下山")).to_be_visible()
    e.refresh_from_db()
    assert e.time_out is not None and e.time_out - e.time_in < dt.timedelta(minutes=5)

    # the town's page counts it
    page.goto(f"/forest/checkpoints/{cp.pk}/")
    expect(page.locator("tbody tr").filter(has_text="张三")).to_contain_text("13812345678")
    shoot(page, "forest-checkpoint-after-1366")

    # the same form on a desktop screen
    desk = new_page(viewport={"width": 1366, "height": 900})
    desk.goto(f"/forest/in/{cp.token}/")
    expect(desk.get_by_role("button", name="登记进山")).to_be_visible()
    shoot(desk, "forest-entry-1366")
