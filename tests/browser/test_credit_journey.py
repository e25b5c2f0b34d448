"""Issue #19 points 4 and 6 in a browser: the district proposes the 主要负责人 of an enterprise for
the 严重失信主体名单, the leader decides, the district publishes, and the public page (no login, a
390 px phone) shows the name masked and no ID number; a town inspector at a 1366 px desk sees the
enterprise's safety-spending rate (未足额) on the list and in its 一企一档 tab. Screenshots at both
widths."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.credit.models import Listing
from anying.spending import services as spending

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 900}}
PERSON_ID = "500222198001010010"


def test_district_lists_public_page_masks_inspector_sees_rate(new_page, users, make_enterprise, enterprise_user):
    ent = make_enterprise("渝铜危化储运有限公司", "旧县街道", "危险化学品")

    # the district proposes the enterprise's 主要负责人
    desk = log_in(new_page(**DESK), "admin")
    desk.goto(f"/credit/new/?enterprise={ent.pk}")
    desk.select_option("#id_subject", "person")
    desk.fill("#id_person_name", "王大明")
    desk.fill("#id_person_id_number", PERSON_ID)
    desk.fill("#id_person_role", "主要负责人")
    desk.select_option("#id_ground", "no_licence")
    desk.fill("#id_reason", "在安全生产许可证暂扣期间组织生产")
    shoot(desk, "credit-1-propose-1366")
    desk.get_by_role("button", name="提交审核").click()
    expect(desk.locator(".alert-success")).to_contain_text("已提出拟列入")
    listing = Listing.objects.get()
    # the proposer may not decide (职责分离): no 决定列入 for them
    expect(desk.get_by_role("button", name="决定列入")).to_have_count(0)

    # the leader decides
    leader = log_in(new_page(**DESK), "leader")
    leader.goto(f"/credit/{listing.pk}/")
    leader.get_by_role("button", name="决定列入").click()
    expect(leader.locator("#listing-status")).to_contain_text("已决定列入")

    # the district publishes
    desk.goto(f"/credit/{listing.pk}/")
    desk.get_by_role("button", name="公示").click()
    expect(desk.locator("#listing-status")).to_contain_text("已公示")
    shoot(desk, "credit-2-published-1366")

    # the public page on a phone, no login
    phone = new_page(**PHONE)
    phone.goto("/credit/open/blacklist/")
    expect(phone.locator("table")).to_contain_text("王*明（渝铜危化储运有限公司主要负责人）")
    body = phone.content()
    assert PERSON_ID not in body and "王大明" not in body
    shoot(phone, "credit-3-public-390")

    # the enterprise keeps its ledger; the town inspector sees the rate
    owner = enterprise_user(ent, "weihua-bench")
    year = timezone.localdate().year
    ledger = spending.save_ledger(owner, {"enterprise": ent.pk, "year": year, "class_key": "hazmat",
                                          "base": Decimal(10_000_000)})
    spending.add_entry(owner, ledger.pk, {"kind": "set_aside", "on": dt.date(year, 1, 1), "amount": "150000",
                                          "description": "计提"})
    town = log_in(new_page(**DESK), "jiuxian")
    town.goto("/spending/?standard=under")
    expect(town.locator("table")).to_contain_text("渝铜危化储运有限公司")
    expect(town.locator("table")).to_contain_text("33.3%")
    shoot(town, "credit-4-spending-list-1366")
    town.goto(f"/enterprises/{ent.pk}/?tab=spending")
    expect(town.locator("body")).to_contain_text("33.3%（未足额）")
    town_phone = log_in(new_page(**PHONE), "jiuxian")
    town_phone.goto(f"/spending/{ledger.pk}/")
    expect(town_phone.locator("#ledger-rate")).to_contain_text("33.3%")
    shoot(town_phone, "credit-5-ledger-390")
