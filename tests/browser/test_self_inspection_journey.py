"""J2 in a browser, the routine part: the district bureau publishes a daily checklist, the
enterprise generates its 日周月排查 schedules, records today's team check with one 不符合 and a
photo, and the finding lands in the hazard register; the town sees the enterprise's standing."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, png_bytes

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser


def test_checklist_to_schedule_to_round_to_hazard(new_page, make_enterprise, enterprise_user, tmp_path):
    ent = make_enterprise("重庆铜梁精工机械有限公司", "旧县街道", "机械", tags=["dust"])
    enterprise_user(ent, "anquanyuan")
    photo = tmp_path / "出口.png"
    photo.write_bytes(png_bytes((40, 30)))

    bureau = log_in(new_page(), "yingji")
    bureau.goto("/hazards/checklists/")
    bureau.get_by_role("link", name="新建清单").click()
    bureau.get_by_label("清单名称").fill("机械企业班组日查表")
    bureau.get_by_label("用途").select_option(label="班组日排查")
    bureau.get_by_label("检查项（每行一项）").fill("安全出口、疏散通道畅通\n设备防护罩齐全\n除尘器运行正常")
    bureau.get_by_role("button", name="保存草稿").click()
    expect(bureau.get_by_role("heading", name="机械企业班组日查表")).to_contain_text("草稿")
    bureau.get_by_role("button", name="发布").click()
    expect(bureau.get_by_role("heading", name="机械企业班组日查表")).to_contain_text("已发布")

    owner = log_in(new_page(), "anquanyuan", PASSWORD)
    owner.get_by_role("complementary", name="主菜单").get_by_role("link", name="日周月排查").click()
    owner.get_by_role("button", name="按检查清单生成排查计划").click()
    expect(owner.get_by_role("alert").first).to_contain_text("已生成排查计划：班组日排查")
    owner.get_by_role("link", name="设置").first.click()
    owner.get_by_label("工作日").fill("1234567")  # so the test runs on any day of the week
    owner.get_by_role("button", name="保存").click()
    owner.get_by_role("link", name="开始排查").click()
    exit_item = owner.locator("li.ay-item", has_text="安全出口、疏散通道畅通")
    exit_item.get_by_text("不符合").click()
    exit_item.get_by_label("发现的问题").fill("一车间安全出口被货物堵塞")
    exit_item.get_by_label("部位").fill("一车间")
    exit_item.get_by_label("照片").set_input_files(str(photo))
    owner.get_by_label("排查人员").fill("李班长")
    shoot(owner, "self-inspection-round")
    owner.get_by_role("button", name="保存排查记录").click()
    expect(owner.get_by_role("alert").first).to_contain_text("发现隐患 1 项")
    owner.get_by_role("link", name="已登记").click()
    expect(owner.get_by_role("heading", name="一车间")).to_be_visible()
    expect(owner.get_by_text("企业自查").first).to_be_visible()
    expect(owner.get_by_role("img", name="出口.png")).to_be_visible()

    town = log_in(new_page(), "jiuxian")
    town.get_by_role("complementary", name="主菜单").get_by_role("link", name="日周月排查").click()
    row = town.get_by_role("row", name=ent.name)
    expect(row).to_contain_text("日排查")
    expect(row).to_contain_text("正常")
    shoot(town, "self-inspection-overview")
