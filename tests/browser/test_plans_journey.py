"""Plans and drills in a browser (issue #15 points 4 and 6): 旧县街道's clerk registers a plan with a
response level, a working group and an action, and submits it; 区应急局 returns it with an
opinion from a phone, then approves the resubmitted plan; the town issues it and 区应急局 files it
with its number; the action card prints; the town holds a drill that 区应急局 evaluates, and the
weakness that needs the plan revised becomes a revision task in the town's 待办; the district's
admin sees the coverage gap of 虎峰镇 and 虎峰镇 behind its drill quota. Screenshots at 1366 and 390 px."""

import datetime as dt
import random

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.plans import demo, reference
from anying.plans.models import Drill, EmergencyPlan, FollowUp

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def plans(users):
    reference.ensure()
    demo.load(random.Random(1))


def test_plan_review_filing_drill_and_coverage(new_page, plans):
    today = timezone.localdate()
    clerk = log_in(new_page(**DESK), "jiuxian")
    clerk.goto("/plans/")
    clerk.get_by_role("link", name="登记预案").click()
    clerk.get_by_label("预案名称").fill("旧县街道地质灾害应急预案")
    clerk.get_by_label("层级").select_option(label="镇街应急预案")
    clerk.get_by_label("灾种").select_option(label="地质灾害")
    clerk.get_by_label("版本").fill(f"{today.year}年版")
    clerk.get_by_role("button", name="保存").click()
    expect(clerk.get_by_role("alert")).to_contain_text("已保存")
    plan = EmergencyPlan.objects.get(name="旧县街道地质灾害应急预案")
    level_form = clerk.locator("form[action$='/parts/level/']")
    level_form.get_by_label("级别").select_option(label="三级")
    level_form.get_by_label("名称").fill("Ⅲ级响应")
    level_form.get_by_label("启动条件").fill("地质灾害隐患点出现变形加剧、可能威胁 10 人以上安全")
    level_form.get_by_role("button", name="添加级别").click()
    expect(clerk.locator("#ay-levels")).to_contain_text("变形加剧")
    clerk.locator("summary", has_text="添加工作组").click()
    role_form = clerk.locator("form[action$='/parts/role/']")
    role_form.get_by_label("工作组/岗位").fill("转移安置组")
    role_form.get_by_label("牵头/成员单位").fill("旧县街道、各村（社区）")
    role_form.get_by_role("button", name="添加工作组").click()
    expect(clerk.locator("#ay-roles")).to_contain_text("转移安置组")
    clerk.locator("summary", has_text="添加响应措施").click()
    action_form = clerk.locator("form[action$='/parts/action/']")
    action_form.get_by_label("响应级别").select_option(label="Ⅲ级响应")
    action_form.get_by_label("措施").fill("组织受威胁群众按预定路线转移到安置点")
    action_form.get_by_label("时限（分钟）").fill("30")
    action_form.get_by_label("工作组/岗位").select_option(label="转移安置组")
    action_form.get_by_role("button", name="添加措施").click()
    expect(clerk.locator("#ay-actions")).to_contain_text("按预定路线转移")
    clerk.get_by_role("button", name="报审").click()
    expect(clerk.locator("#plan-status")).to_have_text("报审")
    shoot(clerk, "plans-detail-desk")

    reviewer = log_in(new_page(**PHONE), "yingji")
    reviewer.goto("/todo/")
    reviewer.get_by_role("link", name="旧县街道应急办 · 旧县街道地质灾害应急预案").click()
    reviewer.get_by_role("button", name="退回修改").click()
    expect(reviewer.get_by_role("alert")).to_contain_text("请填写审核意见")
    reviewer.get_by_label("意见/说明").fill("补充夜间预警叫应的责任人")
    reviewer.get_by_role("button", name="退回修改").click()
    expect(reviewer.locator("#plan-status")).to_have_text("退回修改")

    clerk.reload()
    clerk.get_by_role("button", name="报审").click()
    expect(clerk.locator("#plan-status")).to_have_text("报审")
    reviewer.reload()
    reviewer.get_by_role("button", name="审核通过").click()
    expect(reviewer.locator("#plan-status")).to_have_text("审核通过")
    shoot(reviewer, "plans-review-phone")

    clerk.reload()
    clerk.get_by_label("印发日期").fill(today.isoformat())
    clerk.get_by_label("文号").fill(f"旧县街办发〔{today.year}〕52号")
    clerk.get_by_role("button", name="印发").click()
    expect(clerk.locator("#plan-status")).to_have_text("已印发")
    expect(clerk.locator("#plan-filing")).to_contain_text("备案期限")
    reviewer.reload()
    reviewer.get_by_label("备案编号").fill(f"铜应急预备〔{today.year}〕31号")
    reviewer.get_by_role("button", name="备案").click()
    expect(reviewer.locator("#plan-status")).to_have_text("已备案")
    plan.refresh_from_db()
    assert plan.status == "filed" and plan.filed_by.username == "yingji" and plan.filing_due is not None

    card = new_page(**DESK)
    log_in(card, "jiuxian")
    card.goto(f"/plans/{plan.pk}/card/3/")
    expect(card.locator("#ay-card")).to_contain_text("转移安置组")
    shoot(card, "plans-action-card")

    # a drill of the plan: held with a photo-less record, evaluated by the district
    clerk.goto("/plans/drills/")
    clerk.get_by_role("link", name="编制演练计划").click()
    clerk.get_by_label("演练名称").fill("旧县街道地质灾害避险转移演练")
    clerk.get_by_label("演练形式").select_option(label="实战演练")
    clerk.get_by_label("灾种").select_option(label="地质灾害")
    clerk.get_by_label("检验的预案").select_option(label="旧县街道地质灾害应急预案")
    clerk.get_by_role("button", name="保存").click()
    expect(clerk.get_by_role("alert")).to_contain_text("已保存演练计划")
    clerk.get_by_label("地点").fill("旧县街道石坝村滑坡点")
    clerk.get_by_label("参演人数").fill("65")
    clerk.get_by_role("button", name="保存演练情况").click()
    expect(clerk.locator("#drill-status")).to_have_text("已开展")
    drill = Drill.objects.get(name="旧县街道地质灾害避险转移演练")

    reviewer.goto(f"/plans/drills/{drill.pk}/")
    reviewer.get_by_role("link", name="评估演练").click()
    reviewer.get_by_label("评估得分").fill("81")
    reviewer.get_by_label("评估人/机构").fill("区应急局")
    first = reviewer.locator('[data-weakness="1"]')
    first.get_by_label("发现的问题").fill("转移路线标识不清，预案未标注备用路线")
    first.get_by_label("整改责任单位").select_option(label="旧县街道应急办")
    first.get_by_label("需修订预案").check()
    reviewer.get_by_role("button", name="保存评估").click()
    expect(reviewer.get_by_role("alert")).to_contain_text("81 分")
    expect(reviewer.locator("#ay-drill-evaluation")).to_contain_text("预案修订")
    shoot(reviewer, "plans-drill-phone")
    assert FollowUp.objects.filter(plan=plan, kind="revision", done_at__isnull=True).count() == 1

    clerk.goto("/todo/?module=plans")
    expect(clerk.get_by_text("演练发现问题，修订《旧县街道地质灾害应急预案》", exact=False).first).to_be_visible()

    admin = log_in(new_page(**DESK), "admin")
    admin.goto("/plans/coverage/")
    expect(admin.locator('#ay-coverage tr[data-town="虎峰镇"]')).to_contain_text("缺")
    expect(admin.locator("#ay-revision-rate")).to_contain_text("目标 98%")
    shoot(admin, "plans-coverage-desk")
    admin.goto("/plans/drills/quotas/")
    expect(admin.locator('#ay-town-quotas tr[data-town="虎峰镇"]')).to_contain_text("未完成")
    shoot(admin, "plans-quotas-desk")
    phone = log_in(new_page(**PHONE), "admin")
    phone.goto("/plans/")
    expect(phone.locator("#ay-plan-list")).to_contain_text("铜梁区生产安全事故应急预案")
    shoot(phone, "plans-list-phone")
    assert dt.date.today()  # the journey ran on today's dates
