"""Issue #19 point 2 in a browser: a 危化 enterprise's safety officer fills in a 一级动火 permit at
a 1366 px desk (the start is refused while there is no gas analysis), records the analysis before
the work, the 安全主管 approves it on a 390 px phone (the applicant is never offered 审批), the
work starts, a second analysis is recorded during the work, the town sees the permit on its
正在作业 list on a phone, and the enterprise closes it with the acceptance. Screenshots at both
widths."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.permits.models import Permit

from ..permits.conftest import applicant, approver, chem  # noqa: F401 — fixtures
from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 900}}


def _no_sideways(page, name):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name} scrolls sideways on a phone ({width} px)"


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _analysis(page, permit, lel: str, o2: str):
    page.goto(f"/permits/{permit.pk}/")
    page.get_by_role("link", name="记录气体分析").click()
    page.fill("#id_taken_at", _local(timezone.now()))
    page.fill("#id_point", "动火点下风向1m")
    page.fill("#id_analyst", "赵晓燕")
    page.fill("#id_reading_lel", lel)
    page.fill("#id_reading_o2", o2)
    page.get_by_role("button", name="保存").click()
    expect(page.locator("body")).to_contain_text("已记录气体分析：合格")


def test_a_chemical_enterprise_issues_a_first_level_hot_work_permit(new_page, applicant, approver, users):  # noqa: F811
    desk = log_in(new_page(**DESK), applicant.username)
    desk.goto("/permits/")
    desk.get_by_role("link", name="填报作业票").click()
    desk.get_by_role("link", name="动火作业").click()
    now = timezone.now()
    desk.select_option("#id_level", "1")
    desk.fill("#id_place", "罐区T-102储罐东侧管廊")
    desk.fill("#id_content", "更换DN100进料管线法兰，电焊")
    desk.fill("#id_fire_method", "电焊")
    desk.fill("#id_hazards", "可燃气体泄漏遇明火爆炸；焊渣飞溅引燃")
    desk.fill("#id_valid_from", _local(now - dt.timedelta(minutes=5)))
    desk.fill("#id_valid_until", _local(now + dt.timedelta(hours=12)))  # capped at 8 h for 一级动火
    desk.fill("#id_applicant_name", "刘明")
    desk.fill("#id_leader_name", "周志刚")
    desk.fill("#id_guardian_name", "陈国平")
    desk.fill("#id_w0_name", "张建华")
    desk.fill("#id_w0_company", "渝西化工有限公司")
    desk.fill("#id_w1_name", "王永福")
    desk.fill("#id_w1_company", "重庆恒安设备安装有限公司")
    desk.fill("#id_w1_certificate", "T510212199001010033")
    desk.check("#id_w1_contractor")
    desk.check("#id_measures_confirmed")  # before ticking the measures: refused
    desk.get_by_role("button", name="保存").click()
    expect(desk.locator("body")).to_contain_text("项安全措施未落实，不能确认")
    for box in desk.locator("input[name=measures]").all():
        box.check()
    shoot(desk, "permit-1-form-1366")
    desk.get_by_role("button", name="保存").click()
    expect(desk.locator("body")).to_contain_text("已保存作业票")
    permit = Permit.objects.get()
    assert permit.valid_until - permit.valid_from == dt.timedelta(hours=8)
    expect(desk.locator("#missing")).to_contain_text("未进行气体分析")
    expect(desk.locator("#steps")).not_to_contain_text("审批")  # never the applicant's own

    _analysis(desk, permit, "0", "20.8")

    phone = log_in(new_page(**PHONE), approver.username)
    phone.goto(f"/permits/{permit.pk}/")
    phone.fill("#id_title", "安全管理部门负责人")
    phone.fill("#id_comment", "措施落实，同意动火")
    shoot(phone, "permit-2-approve-390")
    _no_sideways(phone, "the permit page")
    phone.get_by_role("button", name="审批").click()
    expect(phone.locator("#permit-status")).to_have_text("已批准")

    desk.goto(f"/permits/{permit.pk}/")
    desk.get_by_role("button", name="开始作业").click()
    expect(desk.locator("#permit-status")).to_have_text("作业中")
    _analysis(desk, permit, "1", "20.9")

    town = log_in(new_page(**PHONE), "jiuxian")
    town.goto("/permits/open/")
    expect(town.locator("table")).to_contain_text(permit.number)
    shoot(town, "permit-3-town-open-390")
    _no_sideways(town, "the town's 正在作业 list")

    desk.goto(f"/permits/{permit.pk}/")
    desk.fill("#id_comment", "焊口检验合格，现场无遗留火种，已清理")
    desk.get_by_role("button", name="完工验收").click()
    expect(desk.locator("#permit-status")).to_have_text("已完工验收")
    expect(desk.locator("#gas-table tbody tr")).to_have_count(2)
    shoot(desk, "permit-4-closed-1366")
    town.goto("/permits/open/")
    expect(town.locator("table")).to_contain_text("目前没有正在作业的特殊作业票")
    assert Permit.objects.get().status == Permit.Status.CLOSED
