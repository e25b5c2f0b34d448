"""J5 in a browser: a worker reports on a phone at night, anonymously, with two photos; the
12350 desk dispatches to the town; the town verifies, names the enterprise, links the penalty,
concludes and replies; the reward is proposed, approved and paid; the worker, with code and
PIN, sees the conclusion, the reply and the reward — and nothing internal."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.inspections import penalties
from anying.tips import services
from anying.tips.models import Tip
from tests.conftest import png_bytes

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _report_on_phone(page, tmp_path) -> tuple[str, str]:
    photos = []
    for n in (1, 2):
        path = tmp_path / f"楼梯间{n}.png"
        path.write_bytes(png_bytes((60, 40)))
        photos.append(str(path))
    page.goto("/")
    page.get_by_role("link", name="我要举报").click()
    page.get_by_text("非法违法生产经营建设").click()
    page.get_by_label("具体情况").fill("相邻喷涂车间把几十桶油漆堆放在宿舍楼梯间，晚上还有人抽烟。<script>alert(1)</script>")
    page.get_by_label("所在镇街").select_option(label="旧县街道")
    page.get_by_label("具体地点").fill("宿舍楼一楼楼梯间")
    page.get_by_label("被举报单位").fill("旧县喷涂")
    page.get_by_role("button", name=re.compile("旧县喷涂厂")).click()  # chosen from the registry
    page.get_by_label("现场照片（最多 5 张）").set_input_files(photos)
    shoot(page, "tip-01-phone-form")
    page.get_by_role("button", name="提交举报").click()
    expect(page.get_by_role("heading", name="举报已受理")).to_be_visible()
    shoot(page, "tip-02-phone-receipt")
    return page.locator("#ay-code").inner_text(), page.locator("#ay-pin").inner_text()


def _track(page, code: str, pin: str):
    page.goto("/tips/status/")
    page.get_by_label("举报编号").fill(code)
    page.get_by_label("查询密码").fill(pin)
    page.get_by_role("button", name="查询").click()


def _fine(inspector, ent) -> int:
    today = timezone.localdate()
    penalty = penalties.file_case(inspector, ent, {
        "party_name": ent.name, "facts": "楼梯间储存油漆", "evidence": "现场检查记录、照片", "violated": "安全生产法第四十二条",
        "legal_basis": "安全生产法第一百零五条", "amount": Decimal("50000.00")}, today=today - dt.timedelta(days=10))
    penalties.notify(inspector, penalty.pk, today=today - dt.timedelta(days=9))
    return penalties.decide(inspector, penalty.pk, today=today - dt.timedelta(days=1)).pk


def test_citizen_reports_on_a_phone_and_sees_the_reply(new_page, make_enterprise, users, tmp_path):
    ent = make_enterprise("旧县喷涂厂", "旧县街道", "机械")
    phone = new_page(**PHONE)
    code, pin = _report_on_phone(phone, tmp_path)
    tip = Tip.objects.get()
    assert tip.anonymous and tip.enterprise == ent and tip.events.count() == 1
    assert tip.display_code == code and len(pin) == 6

    _track(phone, code, pin)
    expect(phone.locator("#ay-status")).to_have_text("已受理")

    town_office = users["jiuxian"].unit
    services.step(users["duty"], tip.pk, "assign", unit=town_office, text="内部：请属地核查")
    services.step(users["jiuxian"], tip.pk, "start")
    services.step(users["jiuxian"], tip.pk, "conclude", substantiated=True, text="内部：现场有 40 桶")
    services.step(users["jiuxian"], tip.pk, "reply", text="经核查属实，已责令立即清理并依法处罚。")

    _track(phone, code, pin)
    expect(phone.locator("#ay-conclusion")).to_have_text("属实")
    expect(phone.locator("#ay-reply")).to_have_text("经核查属实，已责令立即清理并依法处罚。")
    body = phone.content()
    for internal in ("内部", "旧县街道应急办", "刘旧县", "孙值班"):
        assert internal not in body
    shoot(phone, "tip-03-phone-status")


def test_desk_town_and_leader_handle_the_tip_to_a_paid_reward(new_page, make_enterprise, users, town, tmp_path):
    ent = make_enterprise("旧县喷涂厂", "旧县街道", "机械")
    tip, pin = services.submit(None, {
        "category": Tip.Category.MAJOR_HAZARD, "description": "宿舍楼梯间堆放几十桶油漆和稀释剂", "place": "宿舍楼一楼楼梯间",
        "region": town("旧县街道"), "enterprise_text": "喷涂厂", "anonymous": True}, [], address="10.0.0.5")

    desk = log_in(new_page(), "duty")
    desk.get_by_role("link", name="举报受理").click()
    desk.get_by_role("link", name=tip.display_code).click()
    expect(desk.get_by_text("系统建议：旧县街道应急办")).to_be_visible()
    desk.get_by_role("button", name="交办").click()
    expect(desk.get_by_role("alert")).to_contain_text("已交办 旧县街道应急办")

    inspector = log_in(new_page(), "jiuxian")
    inspector.goto(f"/tips/{tip.pk}/")
    inspector.get_by_role("button", name="开始核查").click()
    expect(inspector.locator("#ay-tip-status")).to_have_text("核查中")
    inspector.get_by_label("被举报单位").fill("旧县喷涂")
    inspector.get_by_role("button", name=re.compile("旧县喷涂厂")).click()
    inspector.get_by_role("button", name="确认").click()
    expect(inspector.get_by_role("alert")).to_contain_text("已确认被举报单位")
    _fine(users["jiuxian"], ent)
    inspector.get_by_text("关联执法检查或行政处罚").click()
    # picked from a searchable list of the unit's own records (issue #13), never a typed id
    inspector.get_by_label("行政处罚", exact=True).fill("喷涂")
    picked = inspector.get_by_label("行政处罚：搜索结果")
    expect(picked.locator("option")).to_contain_text([re.compile("旧县喷涂厂 50,000.00 元")])
    picked.select_option(index=0)
    shoot(inspector, "tip-link-picker")
    inspector.get_by_role("button", name="关联所选行政处罚").click()
    expect(inspector.get_by_role("link", name=re.compile("罚款 50,000.00 元"))).to_be_visible()
    inspector.get_by_label("属实", exact=True).check()
    inspector.get_by_label("核查情况（内部，不向举报人公开）").fill("现场核查：楼梯间堆放油漆约 40 桶")
    inspector.get_by_role("button", name="提交结论").click()
    inspector.get_by_label("答复意见（举报人凭编号和密码可见）").fill("经核查属实，已责令清理并罚款 50,000 元。")
    inspector.get_by_role("button", name="答复").click()
    expect(inspector.locator("#ay-tip-status")).to_have_text("已答复")

    admin = log_in(new_page(), "admin")
    admin.goto(f"/tips/{tip.pk}/")
    expect(admin.get_by_text("罚款合计 50,000.00 元）计算：7,500.00 元")).to_be_visible()
    admin.get_by_role("button", name="提出奖励").click()
    expect(admin.locator("#ay-reward-amount")).to_have_text("7,500.00 元")
    leader = log_in(new_page(), "leader")
    leader.goto(f"/tips/{tip.pk}/")
    leader.get_by_role("button", name="提交审批").click()
    expect(leader.get_by_role("alert")).to_contain_text("奖励已批准")
    admin.reload()
    admin.get_by_label("发放凭证号").fill("财付-2026-001")
    admin.get_by_role("button", name="登记发放").click()
    admin.get_by_role("button", name="办结").click()
    expect(admin.locator("#ay-tip-status")).to_have_text("已办结")
    shoot(admin, "tip-04-desk-detail")

    citizen = new_page(**PHONE)
    _track(citizen, tip.display_code, pin)
    expect(citizen.locator("#ay-reward")).to_have_text("7,500.00 元")
    expect(citizen.locator("#ay-reward").locator("..")).to_contain_text("已发放")
    shoot(citizen, "tip-05-phone-reward")
