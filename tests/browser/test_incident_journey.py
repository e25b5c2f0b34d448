"""Issue #15's journey in a browser: 旧县街道's duty officer takes a phone report of a 较大 accident on a
phone, the clocks start from the event time, the 首报 goes to the district within its limit, a 续报 is
late and flagged 迟报; the district signs for it, activates the 专项预案 at Ⅱ级 and tasks appear for the
units, the nearest team is dispatched and arrives; the 终报s close the chain and the accident record is
created. Screenshots at 390 and 1366 px."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.core.models import Organisation
from anying.incidents.models import DeskSetting, Flag, Incident, ReportRule

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 900}}


def local(at: dt.datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def setting(users, district, town):
    from anying.rescue.models import Team
    from anying.rescue.services import save_team

    DeskSetting.objects.create(region=district, unit=Organisation.objects.get(name="区应急局"),
                               upstream_name="重庆市应急管理局")
    # the district's own 续报 cadence for accidents (a regional row replacing the unchecked national one),
    # so that a 续报 falls due within the journey
    ReportRule.objects.create(code="AQ21_FOLLOWUP_DAILY", label="本区：较大及以下事故每2小时续报", region=district,
                              effective_from=timezone.localdate() - dt.timedelta(days=2), stage="followup",
                              grades="general,larger", kinds="work_safety", minutes=120, counts_from="previous",
                              source="测试用本区规定", article="第四条", quote="……每2小时续报一次")
    return save_team(None, Team(name="旧县街道综合应急救援队", category=Team.Category.TOWN,
                                owner=Organisation.objects.get(name="旧县街道应急办"), region=town("旧县街道"),
                                leader="王队长", duty_phone="13900000001"),
                     base={"address": "旧县街道", "latitude": Decimal("29.8200"), "longitude": Decimal("106.0800")})


def test_a_phone_report_up_the_chain_to_the_response_and_the_accident_record(new_page, setting, plan_for_journey):
    now = timezone.now()
    occurred, received = now - dt.timedelta(hours=6), now - dt.timedelta(hours=5, minutes=50)

    # 旧县街道's officer takes the call on a phone
    town = log_in(new_page(**PHONE), "jiuxian")
    town.goto("/incidents/desk/")
    town.get_by_role("link", name="接报").first.click()
    town.get_by_label("事件名称").fill("旧县某机械厂粉尘爆炸事故")
    town.get_by_label("事件类型").select_option(label="生产安全事故")
    town.get_by_label("发生时间").fill(local(occurred))
    town.get_by_label("接报时间").fill(local(received))
    town.get_by_label("信息来源").select_option(label="电话报告")
    town.get_by_label("来源说明").fill("企业安全员电话报告")
    town.get_by_label("发生地（镇街或村社区）").select_option(label="旧县街道")
    town.get_by_label("详细地点").fill("工业园区抛光车间")
    town.get_by_label("事发单位").fill("旧县某机械厂")
    town.get_by_label("行业").select_option(label="机械")
    town.get_by_label("事故类型（GB 6441-2025）").select_option(index=1)
    town.get_by_label("纬度").fill("29.8000")
    town.get_by_label("经度").fill("106.1000")
    town.get_by_label("死亡").fill("3")
    town.get_by_label("受伤").fill("4")
    town.get_by_label("其中重伤").fill("1")
    town.get_by_label("事件经过和现场情况").fill("抛光车间除尘系统粉尘爆炸，3人死亡")
    town.get_by_role("button", name="接报并开始计时").click()
    expect(town.locator(".alert-dismissible").last).to_contain_text("已接报")
    expect(town.locator("#ay-grade")).to_have_text("较大事故")
    incident = Incident.objects.get()
    # the clock: 2 hours from this desk's receipt (第十一条), shown with its article
    expect(town.locator("#ay-desk-" + str(incident.unit_id))).to_contain_text("第十一条")
    shoot(town, "incident-taken-phone")

    # the 首报 within its limit (filled in after the call: its real time)
    form = town.locator("#ay-report-form")
    form.get_by_label("方式").select_option(label="电话")
    form.get_by_label("报送时间").fill(local(received + dt.timedelta(minutes=50)))
    form.get_by_role("button", name="报送").click()
    expect(town.locator(".alert-dismissible").last).to_contain_text("已报送首报")
    # the 续报 was due 2 hours after the 首报 (the district's rule): sent now, it is late and flagged
    form = town.locator("#ay-report-form")
    form.get_by_label("报告类别").select_option(label="续报")
    form.get_by_label("报告正文").fill("续报一：伤员情况稳定，明火已扑灭")
    form.get_by_role("button", name="报送").click()
    expect(town.locator(".alert-dismissible").last).to_contain_text("迟报")
    expect(town.locator("body")).to_contain_text("按时限自动认定")
    assert Flag.objects.get(incident=incident).kind == "late"
    shoot(town, "incident-late-followup-phone")

    # the district signs for the reports, sends its own 首报 and activates the plan at Ⅱ级
    district = log_in(new_page(**DESK), "duty")
    district.goto("/incidents/desk/")
    expect(district.locator("#ay-desk-below")).to_contain_text("旧县街道应急办")  # what the town still owes
    district.locator("#ay-desk-incidents").get_by_role("link", name="旧县某机械厂粉尘爆炸事故").click()
    district.get_by_role("button", name="签收").first.click()
    expect(district.locator(".alert-dismissible").last).to_contain_text("已签收")
    form = district.locator("#ay-report-form")
    form.get_by_label("方式").select_option(label="电话")  # phoned to the city on time, entered now
    form.get_by_label("报送时间").fill(local(received + dt.timedelta(hours=2)))
    form.get_by_role("button", name="报送").click()
    expect(district.locator(".alert-dismissible").last).to_contain_text("已报送首报")
    plan_for_journey(district)
    expect(district.locator("#ay-tasks")).to_contain_text("旧县街道应急办")
    assert incident.tasks.count() >= 2

    # the nearest team is dispatched and arrives
    district.locator("#ay-nearest-teams").get_by_role("button", name="调派").first.click()
    expect(district.locator(".alert-dismissible").last).to_contain_text("已调派旧县街道综合应急救援队")
    for _ in range(2):  # departure, then arrival
        district.locator("#ay-dispatches").get_by_role("button", name="记录").first.click()
        expect(district.locator(".alert-dismissible").last).to_contain_text("已记录")
    expect(district.locator("#ay-dispatches")).to_contain_text("分钟")
    shoot(district, "incident-response-desk")

    # the 终报s close the chain; the town creates the accident record
    town.reload()
    form = town.locator("#ay-report-form")
    form.get_by_label("报告类别").select_option(label="终报")
    form.get_by_label("报告正文").fill("终报：善后处置完毕")
    form.get_by_role("button", name="报送").click()
    expect(town.locator(".alert-dismissible").last).to_contain_text("已报送终报")
    district.reload()
    form = district.locator("#ay-report-form")
    form.get_by_label("报告类别").select_option(label="终报")
    form.get_by_role("button", name="报送").click()
    expect(district.locator("#ay-status")).to_have_text("已终报")
    town.reload()
    town.get_by_role("button", name="生成生产安全事故记录").click()
    expect(town.locator(".alert-dismissible").last).to_contain_text("已生成事故记录（较大事故）")
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.accident.deaths == 3
    town.get_by_role("link", name=str(incident.accident)).click()
    expect(town.locator("body")).to_contain_text(incident.number)
    shoot(town, "incident-accident-phone")


@pytest.fixture
def plan_for_journey(setting):
    """The district's 生产安全事故专项应急预案, filed, with its Ⅱ–Ⅳ级 checklist: 现场处置组 led by 旧县街道应急办
    and 行业监管组 by 区住建委. Activating it at Ⅱ级 hands both their tasks."""
    from anying.core.permissions import SYSTEM
    from anying.plans import reference
    from anying.plans import services as plans
    from anying.plans.models import EmergencyPlan, HazardType, PlanAction, PlanRole, ResponseLevel

    from ..plans.conftest import through

    reference.ensure()
    plan = plans.save_plan(SYSTEM, EmergencyPlan(owner=Organisation.objects.get(name="区应急局"),
                                                name="铜梁区生产安全事故专项应急预案",
                                                level=EmergencyPlan.Level.DISTRICT_SPECIAL,
                                                hazard_type=HazardType.objects.get(code="work_safety")))
    levels = {n: plans.save_level(SYSTEM, plan.pk, ResponseLevel(number=n, criteria=f"{n}级响应条件")) for n in (1, 2, 3, 4)}
    scene = plans.save_role(SYSTEM, plan.pk, PlanRole(name="现场处置组", unit=Organisation.objects.get(name="旧县街道应急办")))
    trade = plans.save_role(SYSTEM, plan.pk, PlanRole(name="行业监管组", unit=Organisation.objects.get(name="区住建委")))
    for level, role, text in ((4, scene, "组织疏散周边企业人员，设置警戒区"), (3, trade, "排查周边建筑安全"),
                              (2, scene, "开设现场指挥部"), (1, trade, "请求市级支援")):
        plans.save_action(SYSTEM, plan.pk, PlanAction(level=levels[level], role=role, text=text, within_minutes=60))
    through(plan, timezone.localdate() - dt.timedelta(days=60))

    def activate(page):
        page.locator("summary", has_text="启动应急响应").click()
        page.get_by_label("启动的预案").select_option(label="铜梁区生产安全事故专项应急预案（区应急局）")
        page.get_by_label("响应级别").select_option(label="Ⅱ级")
        page.get_by_label("指挥长").fill("区政府分管副区长")
        page.get_by_role("button", name="启动响应").click()
        expect(page.locator(".alert-dismissible").last).to_contain_text("已启动铜梁区生产安全事故专项应急预案 Ⅱ级响应，下达任务 3 项")
        expect(page.locator("#ay-tasks")).to_contain_text("区住建委")
    return activate
