"""J2/J3 in a browser: the enterprise reports a hazard with a photo, the town inspector reviews,
sends it back, the enterprise resubmits and the inspector closes it."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import PASSWORD, png_bytes

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser


def test_report_review_send_back_resubmit_close(new_page, make_enterprise, enterprise_user, users, tmp_path):
    ent = make_enterprise("重庆铜梁精工机械有限公司", "旧县街道", "机械", tags=["dust"])
    enterprise_user(ent, "anquanyuan")
    photo = tmp_path / "现场.png"
    photo.write_bytes(png_bytes((40, 30)))

    owner = log_in(new_page(), "anquanyuan", PASSWORD)
    owner.goto(f"/enterprises/{ent.pk}/")
    owner.get_by_role("link", name="登记隐患").click()
    owner.get_by_label("隐患部位").fill("一车间安全出口")
    owner.get_by_label("隐患描述").fill("安全出口被货物堵塞")
    owner.get_by_label("发现人").fill("班组长")
    owner.get_by_label("现场照片").set_input_files(str(photo))
    owner.get_by_role("button", name="登记").click()
    expect(owner.get_by_role("heading", name="一车间安全出口")).to_be_visible()
    expect(owner.get_by_text("已登记", exact=True)).to_be_visible()

    owner.get_by_label("整改责任人").fill("王班长")
    owner.get_by_label("整改措施").fill("清走货物，划设禁停线")
    owner.get_by_label("整改期限").fill((timezone.localdate() + dt.timedelta(days=7)).isoformat())
    owner.get_by_role("button", name="开始整改").click()
    expect(owner.get_by_text("整改中", exact=True)).to_be_visible()
    owner.get_by_label("整改后照片或材料").set_input_files(str(photo))
    owner.get_by_label("说明").fill("已清理")
    owner.get_by_role("button", name="提交复查").click()
    expect(owner.get_by_text("待复查", exact=True)).to_be_visible()
    hazard_url = owner.url

    inspector = log_in(new_page(), "jiuxian")
    inspector.goto("/hazards/todo/")
    inspector.get_by_role("link", name="一车间安全出口").click()
    inspector.locator("form", has=inspector.get_by_role("button", name="退回整改")).get_by_label("说明").fill("照片看不清出口")
    inspector.get_by_role("button", name="退回整改").click()
    expect(inspector.get_by_text("整改中", exact=True)).to_be_visible()

    owner.goto(hazard_url)
    owner.get_by_label("整改后照片或材料").set_input_files(str(photo))
    owner.get_by_label("说明").fill("重新拍摄了出口照片")
    owner.get_by_role("button", name="提交复查").click()

    inspector.goto(hazard_url)
    inspector.get_by_role("button", name="审核销号").click()
    expect(inspector.get_by_role("alert")).to_contain_text("已审核销号：当前状态为“已销号”")
    for step in ("登记隐患", "开始整改", "提交复查", "退回整改", "审核销号"):
        expect(inspector.get_by_text(step).first).to_be_visible()
    shoot(inspector, "hazard-closed")
