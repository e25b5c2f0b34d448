"""Issue #13 in a browser: the penalty page shows the decision limit (立案 + 30 days) and records
an extension to 90 days with the head who consented, the date and the reason."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.inspections import penalties

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.mark.parametrize("size, options", [("1366", {"viewport": {"width": 1366, "height": 900}}), ("390", PHONE)])
def test_extension_recorded_on_the_penalty_page(new_page, make_enterprise, users, size, options):
    ent = make_enterprise("旧县机械厂", "旧县街道", "机械")
    filed_on = timezone.localdate() - dt.timedelta(days=12)
    penalty = penalties.file_case(users["yingji"], ent, {
        "party_name": ent.name, "facts": "未设泄爆装置", "evidence": "照片", "violated": "安全生产法第三十六条",
        "legal_basis": "安全生产法第九十九条", "amount": Decimal("20000.00")}, today=filed_on)
    page = log_in(new_page(**options), "yingji")
    page.goto(f"/inspections/penalties/{penalty.pk}/")
    expect(page.get_by_text("立案之日起 30 日")).to_be_visible()
    page.get_by_text("延长作出决定期限（经本部门负责人同意延长至立案之日起90日）").click()
    page.get_by_label("同意延长的本部门负责人").fill("王局长")
    page.get_by_label("延长理由").fill("需等待泄爆装置检测报告")
    page.get_by_role("button", name="登记延长").click()
    expect(page.get_by_role("alert").first).to_contain_text("已登记延长作出决定期限")
    expect(page.get_by_text("立案之日起 90 日")).to_be_visible()
    expect(page.get_by_text("本部门负责人同意延长至立案之日起 90 日")).to_contain_text("王局长")
    shoot(page, f"penalty-extended-{size}")
