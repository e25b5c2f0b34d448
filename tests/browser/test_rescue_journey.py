"""Rescue teams in a browser: 旧县街道's inspector registers the town's full-time team with its base
and members, reports today's standby on a phone, and the district admin sees the team counted in
the "2+7+14+N" overview. Screenshots at 1366 and 390 px."""

import re

import pytest
from playwright.sync_api import expect

from anying.rescue.models import StandbyReport, Team

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def test_register_team_report_standby_and_see_the_overview(new_page, users):
    page = log_in(new_page(**DESKTOP), "jiuxian")
    page.goto("/rescue/teams/")
    page.get_by_role("link", name="登记队伍").click()
    page.get_by_label("队伍名称").fill("旧县街道专职应急救援队")
    page.get_by_label("队伍类别").select_option(label="中心镇（街）专职救援队")
    page.get_by_label("所在区划").select_option(label="旧县街道")
    page.get_by_label("火灾扑救").check()
    page.get_by_label("水域救援").check()
    page.get_by_label("队长", exact=True).fill("张队长")
    page.get_by_label("值班电话").fill("023-45671234")
    page.get_by_label("编制（核定）人数").fill("3")
    page.get_by_label("驻地地址").fill("旧县街道新街1号")
    page.get_by_label("经度").fill("106.051")
    page.get_by_label("纬度").fill("29.802")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name=re.compile("旧县街道专职应急救援队"))).to_be_visible()
    for name, role in (("张三", "队长"), ("李四", "队员"), ("王五", "驾驶员")):
        page.locator("summary", has_text="登记队员").click()
        page.locator("#id_m-name").fill(name)
        page.locator("#id_m-role").select_option(label=role)
        page.get_by_role("button", name="保存队员").click()
        expect(page.get_by_text("已保存队员")).to_be_visible()
    page.locator("summary", has_text="登记证书").click()
    page.locator("#id_c-member").select_option(label="张三（队长）")
    page.get_by_label("证书名称").fill("应急救援员证")
    page.get_by_label("有效期至").fill("2027-06-30")
    page.get_by_role("button", name="保存证书").click()
    expect(page.get_by_text("人员配备")).to_be_visible()
    expect(page.get_by_text("已达编制")).to_be_visible()
    shoot(page, "rescue-02-team-detail-1366")
    team = Team.objects.get(name="旧县街道专职应急救援队")
    assert team.base is not None and team.members.count() == 3

    phone = log_in(new_page(**PHONE), "jiuxian")
    phone.goto("/rescue/standby/")
    expect(phone.get_by_text("未报告").first).to_be_visible()
    phone.get_by_role("link", name="报告备勤").click()
    phone.get_by_label("队伍").select_option(label="旧县街道专职应急救援队")
    phone.get_by_label("备勤人数").fill("3")
    phone.get_by_label("备勤车辆").fill("1")
    phone.get_by_label("备勤装备").fill("冲锋舟1艘、破拆工具组1套")
    shoot(phone, "rescue-03-standby-form-390")
    phone.get_by_role("button", name="提交").click()
    expect(phone.get_by_text(re.compile("已报告 旧县街道专职应急救援队"))).to_be_visible()
    shoot(phone, "rescue-04-standby-overview-390")
    assert StandbyReport.objects.get(team=team).people == 3

    admin = log_in(new_page(**DESKTOP), "admin")
    admin.goto("/rescue/overview/")
    expect(admin.get_by_role("heading", name="救援队伍建设总览")).to_be_visible()
    card = admin.locator(".card", has_text="中心镇（街）专职队")
    expect(card).to_contain_text("1")
    expect(card).to_contain_text("/ 7")
    expect(admin.get_by_text("尚无镇级救援队伍的镇街")).to_be_visible()
    shoot(admin, "rescue-05-overview-1366")
    district_phone = log_in(new_page(**PHONE), "admin")
    district_phone.goto("/rescue/overview/")
    expect(district_phone.get_by_role("heading", name="救援队伍建设总览")).to_be_visible()
    shoot(district_phone, "rescue-06-overview-390")
