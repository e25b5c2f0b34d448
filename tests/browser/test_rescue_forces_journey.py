"""Rescue forces in a browser: 旧县街道's inspector records a member leaving (离队, refused first
without a reason), corrects and removes a certificate, registers a village 应急协管员 on a phone;
the district admin sees the town's coverage, funding against the standard and the linkage
meeting's deadline on the overview, then records the meeting with its minutes. Screenshots at
1366 and 390 px."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.core.models import Organisation, Region
from anying.core.services import save_region
from anying.rescue import services
from anying.rescue.models import Certificate, GrassrootsPerson, LinkageMeeting, Member, Team

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def town_team(users, town):
    jiuxian = town("旧县街道")
    for name in ("新民村", "团结社区"):
        save_region(None, Region(name=name, level=Region.Level.VILLAGE, parent=jiuxian))
    owner = Organisation.objects.get(name="旧县街道应急办")
    team = services.save_team(None, Team(name="旧县街道专职应急救援队", category=Team.Category.CENTRAL_TOWN, owner=owner,
                                         region=jiuxian, authorised_strength=3, annual_funding=Decimal("600000")))
    new_min = Region.objects.get(name="新民村")
    services.save_team(None, Team(name="新民村应急救援站", category=Team.Category.VILLAGE, owner=owner, region=new_min))
    for name, role in (("张三", "leader"), ("李四", "member"), ("王五", "driver")):
        services.save_member(None, Member(team=team, name=name, role=role, joined_on=dt.date(2022, 3, 1)))
    services.save_certificate(None, Certificate(member=Member.objects.get(name="张三"), name="应急救援员证",
                                                expires_on=dt.date(2027, 6, 30)))
    services.ensure_meetings()
    return team


def test_leave_certificates_grassroots_coverage_and_meeting(new_page, users, town_team, tmp_path):
    page = log_in(new_page(**DESKTOP), "jiuxian")
    page.goto(f"/rescue/teams/{town_team.pk}/")
    expect(page.get_by_text("已达编制")).to_be_visible()
    page.get_by_role("link", name="修改李四").click()
    expect(page.get_by_role("heading", name=re.compile("李四"))).to_be_visible()
    page.get_by_label("离队日期").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="登记离队").click()
    expect(page.locator(".alert-danger, .alert-error").first).to_contain_text("离队原因")
    assert Member.objects.get(name="李四").is_active
    page.get_by_label("离队原因").fill("工作调动")
    page.get_by_role("button", name="登记离队").click()
    expect(page.get_by_text(re.compile("李四已离队"))).to_be_visible()
    expect(page.get_by_role("button", name="恢复在队")).to_be_visible()
    shoot(page, "rescue2-01-member-left-1366")
    page.get_by_role("link", name="旧县街道专职应急救援队").click()
    expect(page.get_by_role("heading", name=re.compile("队员（2 人在队）"))).to_be_visible()
    expect(page.get_by_text("未达编制")).to_be_visible()
    page.locator("summary", has_text="已离队队员").click()
    expect(page.locator("#left").get_by_text("工作调动", exact=True)).to_be_visible()
    shoot(page, "rescue2-02-team-after-leave-1366")
    page.get_by_role("link", name="修改张三").click()
    page.locator("summary", has_text="修改或删除").click()
    cert = Certificate.objects.get(name="应急救援员证")
    page.locator(f"#id_c{cert.pk}-expires_on").fill("2029-06-30")
    page.get_by_role("button", name="保存证书").first.click()
    expect(page.get_by_text("已修改证书")).to_be_visible()
    cert.refresh_from_db()
    assert cert.expires_on == dt.date(2029, 6, 30)
    page.locator("summary", has_text="修改或删除").click()
    page.get_by_label("删除原因").fill("录入错误")
    page.get_by_role("button", name="删除证书").click()
    expect(page.get_by_text(re.compile("已删除证书"))).to_be_visible()
    assert not Certificate.objects.exists()

    phone = log_in(new_page(**PHONE), "jiuxian")
    phone.goto("/rescue/grassroots/")
    phone.get_by_role("link", name="登记人员").click()
    phone.get_by_label("类别").select_option(label="应急协管员")
    phone.get_by_label("姓名").fill("赵协管")
    phone.get_by_label("所在村（社区）").select_option(label="团结社区（旧县街道）")
    phone.get_by_label("联系电话").fill("13900001111")
    phone.get_by_label("职责或特长").fill("隐患巡查、预警信息传递")
    shoot(phone, "rescue2-03-grassroots-form-390")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("已保存应急协管员：赵协管")).to_be_visible()
    expect(phone.locator("table").get_by_text("赵协管")).to_be_visible()
    shoot(phone, "rescue2-04-grassroots-list-390")
    assert GrassrootsPerson.objects.get().region.name == "团结社区"

    admin = log_in(new_page(**DESKTOP), "admin")
    admin.goto("/rescue/overview/")
    row = admin.locator("#town-table tr", has_text="旧县街道")
    expect(row).to_contain_text("旧县街道专职应急救援队")
    expect(row).to_contain_text("600,000.00 / 800,000.00")
    expect(row).to_contain_text("低于标准")
    expect(row).to_contain_text("未建站：团结社区")
    expect(row.locator("td").nth(4)).to_have_text("1")
    expect(admin.locator("#meeting-alert")).to_contain_text("联动联席会议")
    shoot(admin, "rescue2-05-overview-1366")
    admin.locator("#meeting-alert").get_by_role("link", name="会议记录").click()
    admin.get_by_role("button", name="保存会议记录").click()
    expect(admin.locator("#id_participants ~ .invalid-feedback, .invalid-feedback").first).to_be_visible()
    assert LinkageMeeting.objects.get().held_on is None
    admin.get_by_label("参会单位和人员").fill("区应急局、区消防救援支队、区应急救援中队、各镇街")
    admin.get_by_label("议定事项").fill("明确汛期救援力量预置方案")
    minutes = tmp_path / "纪要.pdf"
    minutes.write_bytes(b"%PDF-1.4\n% minutes\n")
    admin.get_by_label("会议纪要").set_input_files(str(minutes))
    admin.get_by_role("button", name="保存会议记录").click()
    expect(admin.get_by_text(re.compile("已登记\\d+年全区应急救援联动联席会议"))).to_be_visible()
    expect(admin.locator("#meeting-status")).to_contain_text("已于")
    expect(admin.locator("main").get_by_role("link", name=re.compile("纪要"))).to_be_visible()  # (the menu has 会议纪要 too)
    shoot(admin, "rescue2-06-meeting-1366")
    assert LinkageMeeting.objects.get().held_on == timezone.localdate()

    admin_phone = log_in(new_page(**PHONE), "admin")
    admin_phone.goto("/rescue/overview/#towns")
    expect(admin_phone.get_by_role("heading", name="各镇街基层覆盖")).to_be_visible()
    shoot(admin_phone, "rescue2-07-overview-390")
    admin_phone.goto("/rescue/meetings/")
    shoot(admin_phone, "rescue2-08-meeting-390")
