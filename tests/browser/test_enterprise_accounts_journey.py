"""Issue #13 in a browser: the enterprise's safety manager opens an account for its 主要负责人,
registers a general hazard it found, rectifies and submits it; the 主要负责人 logs in and closes
it (自查自改), which the submitter could not. On a day that is not a working day of the daily
check, the page offers no 开始排查."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.core.models import Organisation
from anying.hazards import checklists, self_inspection
from tests.conftest import PASSWORD, png_bytes

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_principal_closes_what_the_safety_manager_submitted(new_page, make_enterprise, enterprise_user, tmp_path):
    ent = make_enterprise("重庆铜梁精工机械有限公司", "旧县街道", "机械")
    enterprise_user(ent, "anquanyuan")
    photo = tmp_path / "现场.png"
    photo.write_bytes(png_bytes((40, 30)))

    owner = log_in(new_page(viewport={"width": 1366, "height": 900}), "anquanyuan", PASSWORD)
    owner.goto("/account/")
    expect(owner.get_by_label("当前密码")).to_be_visible()
    owner.get_by_role("link", name="本企业账号").click()
    owner.get_by_label("姓名").fill("张厂长")
    owner.get_by_label("用户名").fill("zhangchangzhang")
    owner.locator("#id_password").fill("Boss#20261")
    owner.get_by_label("确认初始密码").fill("Boss#20261")
    owner.get_by_role("button", name="开通账号").click()
    expect(owner.get_by_role("alert").first).to_contain_text("已开通账号：zhangchangzhang")
    expect(owner.get_by_text("张厂长", exact=True)).to_be_visible()
    shoot(owner, "enterprise-accounts-1366")

    owner.goto(f"/enterprises/{ent.pk}/")
    owner.get_by_role("link", name="登记隐患").click()
    owner.get_by_label("隐患部位").fill("二车间配电柜")
    owner.get_by_label("隐患描述").fill("配电柜前堆放杂物")
    owner.get_by_label("发现人").fill("班组长")
    owner.get_by_role("button", name="登记").click()
    expect(owner.get_by_role("heading", name="二车间配电柜")).to_be_visible()
    owner.get_by_label("整改责任人").fill("王班长")
    owner.get_by_label("整改措施").fill("清走杂物，划设警戒线")
    owner.get_by_label("整改期限").fill((timezone.localdate() + dt.timedelta(days=7)).isoformat())
    owner.get_by_role("button", name="开始整改").click()
    owner.get_by_label("整改后照片或材料").set_input_files(str(photo))
    owner.get_by_label("说明").fill("已清理")
    owner.get_by_role("button", name="提交复查").click()
    expect(owner.get_by_text("待复查", exact=True)).to_be_visible()
    expect(owner.get_by_role("button", name="审核销号")).to_have_count(0)  # never by the submitter
    hazard_url = owner.url

    boss = log_in(new_page(viewport=PHONE), "zhangchangzhang", "Boss#20261")
    boss.goto(hazard_url)
    expect(boss.get_by_role("button", name="审核销号")).to_be_visible()
    shoot(boss, "principal-hazard-390")
    boss.get_by_role("button", name="审核销号").click()
    expect(boss.get_by_role("alert").first).to_contain_text("已审核销号：当前状态为“已销号”")
    boss.goto("/account/")
    shoot(boss, "account-password-390")
    owner.goto("/account/enterprise-accounts/")
    owner.set_viewport_size(PHONE)
    shoot(owner, "enterprise-accounts-390")


def test_no_start_on_a_day_that_is_not_a_working_day(new_page, make_enterprise, enterprise_user, tmp_path):
    ent = make_enterprise("重庆铜梁精工机械有限公司", "旧县街道", "机械")
    enterprise_user(ent, "anquanyuan")
    photo = tmp_path / "出口.png"
    photo.write_bytes(png_bytes((40, 30)))
    bureau = Organisation.objects.get(name="区应急局")
    template = checklists.create(None, name="班组日查表", use="daily", industry=None,
                                 items_text="安全出口畅通\n防护罩齐全", owner=bureau)
    checklists.publish(None, template.pk)
    today = timezone.localdate()
    [schedule], _ = self_inspection.generate(None, ent, starts_on=today - dt.timedelta(days=1))
    # today is the rest day of this plan (whatever weekday the test runs on), yesterday a working day
    schedule.workdays = "".join(d for d in "1234567" if d != str(today.isoweekday()))
    schedule.save()

    owner = log_in(new_page(viewport={"width": 1366, "height": 900}), "anquanyuan", PASSWORD)
    owner.goto(f"/hazards/self-inspection/enterprise/{ent.pk}/")
    row = owner.get_by_role("row", name="班组日排查")
    expect(row).to_contain_text("非工作日，不排查")
    expect(owner.get_by_role("link", name="开始排查")).to_have_count(0)
    shoot(owner, "self-inspection-rest-day-1366")
    yesterday = today - dt.timedelta(days=1)
    row.get_by_role("link", name=f"补录{yesterday.month}月{yesterday.day}日").click()
    expect(owner.get_by_label("排查日期")).to_have_value(yesterday.isoformat())
    owner.set_viewport_size(PHONE)
    shoot(owner, "self-inspection-catch-up-390")

    # a refused save (the 不符合 is not explained) keeps the answers and the photo
    exit_item = owner.locator("li.ay-item", has_text="安全出口畅通")
    exit_item.get_by_text("不符合").click()
    exit_item.get_by_label("照片").set_input_files(str(photo))
    owner.get_by_label("排查人员").fill("李班长")
    owner.get_by_role("button", name="保存排查记录").click()
    expect(owner.get_by_text("不符合的检查项须说明发现的问题")).to_be_visible()
    expect(exit_item).to_contain_text("已保留上次选择的照片")
    expect(exit_item.get_by_label("移除")).to_be_visible()
    expect(owner.get_by_label("排查人员")).to_have_value("李班长")
    shoot(owner, "self-inspection-refused-kept-390")
    exit_item.get_by_label("发现的问题").fill("安全出口被货物堵塞")
    owner.get_by_role("button", name="保存排查记录").click()
    expect(owner.get_by_role("alert").first).to_contain_text("发现隐患 1 项")
    owner.get_by_role("link", name="已登记").click()
    expect(owner.get_by_role("img", name="出口.png")).to_be_visible()
