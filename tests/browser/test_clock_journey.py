"""Issue #12 journey: the district admin gives a town its own overdue ladder on 期限与升级规则; the
next tick climbs it, the town inspector reads one message per hazard in the inbox (on a phone)
and opens the numbered 函告 from the hazard page."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.core import clock
from anying.hazards import services
from anying.hazards.models import Hazard

from .helpers import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 900}}


def test_a_towns_ladder_from_its_page_to_the_inbox_and_the_letter(new_page, make_enterprise):
    enterprise = make_enterprise("旧县机械厂", "旧县街道", "机械")
    hazard = services.register(None, {"enterprise": enterprise, "place": "一车间", "description": "安全出口堵塞",
                                      "channel": "inspection", "found_by": "检查组", "found_on": timezone.localdate()})
    Hazard.objects.filter(pk=hazard.pk).update(status="rectifying", responsible_person="王主任", measures="清理",
                                               deadline=timezone.localdate() - dt.timedelta(days=3))

    admin = log_in(new_page(**DESK), "admin")
    admin.goto("/clocks/")
    expect(admin.get_by_text("隐患整改逾期", exact=True)).to_be_visible()
    card = admin.locator(".card", has=admin.get_by_text("隐患整改逾期", exact=True))
    card.get_by_label("镇街").select_option(label="旧县街道")
    card.get_by_role("button", name="镇街规则").click()
    expect(admin.get_by_role("heading", name="隐患整改逾期：旧县街道")).to_be_visible()
    shoot(admin, "clock-ladder-form-1366")
    admin.locator("[name=days_1]").fill("3")  # 函告 on the third day instead of the seventh
    admin.get_by_role("button", name="保存新版本").click()
    expect(admin.get_by_text("已保存旧县街道的隐患整改逾期规则")).to_be_visible()
    expect(card.get_by_role("cell", name="旧县街道")).to_be_visible()
    shoot(admin, "clock-ladders-1366")

    clock.run()

    phone = log_in(new_page(**PHONE), "jiuxian")
    phone.goto("/inbox/")
    row = phone.locator(".list-group-item", has_text="隐患整改逾期：旧县机械厂 一车间")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("逾期 3 天，催办提醒")
    expect(row).to_contain_text("逾期 3 天，函告")
    shoot(phone, "clock-inbox-390")
    row.get_by_role("link", name="隐患整改逾期：旧县机械厂 一车间").click()
    letter = phone.get_by_role("link", name="旧县街道应急办函〔")
    expect(letter).to_be_visible()
    shoot(phone, "clock-hazard-390")
    with phone.expect_download() as download:
        letter.click()
    assert download.value.suggested_filename.startswith("函告_旧县街道应急办函")
