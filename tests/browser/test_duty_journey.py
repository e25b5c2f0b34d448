"""The duty desk in a browser (issue #15 point 1): 旧县街道's clerk generates the month's shifts on a
phone and staffs tomorrow's, the roster shows what is still missing; the officer on today's
shift logs a call and an open item and signs the handover; the next officer signs to receive it
and the item travels with it; the district's admin checks the desk by phone and sees the score.
Screenshots at 1366 and 390 px."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.core.models import Organisation, User
from anying.core.roles import Role
from anying.core.services import create_user
from anying.duty import defaults
from anying.duty.models import Assignment, DutyPost, Handover, LogEntry, Shift, SpotCheck, StaffingRule

from ..conftest import PASSWORD
from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def desk(users):
    if not DutyPost.objects.exists():
        defaults.load(DutyPost, StaffingRule)
    unit = Organisation.objects.get(name="旧县街道应急办")
    now = timezone.now()
    current = Shift.objects.create(unit=unit, date=timezone.localdate(), starts_at=now - dt.timedelta(hours=3),
                                   ends_at=now + dt.timedelta(minutes=50), duty_phone="023-45670000")
    officer = DutyPost.objects.get(code="officer")
    Assignment.objects.create(shift=current, post=officer, person=users["jiuxian"], name="刘旧县", phone="13900000001")
    following = Shift.objects.create(unit=unit, date=current.date + dt.timedelta(days=1), starts_at=current.ends_at,
                                     ends_at=current.ends_at + dt.timedelta(hours=24), duty_phone="023-45670000")
    relief = create_user(None, username="jiuxian2", password=PASSWORD, role=Role.TOWN_INSPECTOR, unit=unit,
                         display_name="王接班")
    Assignment.objects.create(shift=following, post=officer, person=relief, name="王接班", phone="13900000002")
    return {"unit": unit, "current": current, "next": following}


def test_roster_log_handover_and_spot_check(new_page, desk):
    unit = desk["unit"]
    clerk = log_in(new_page(**PHONE), "jiuxian")
    clerk.goto("/duty/roster/")
    clerk.locator("summary", has_text="编排").click()
    last = timezone.localdate() + dt.timedelta(days=6)
    clerk.get_by_label("开始日期").fill((timezone.localdate() + dt.timedelta(days=2)).isoformat())
    clerk.get_by_label("结束日期").fill(last.isoformat())
    clerk.get_by_role("button", name="生成班次").click()
    expect(clerk.get_by_role("alert")).to_contain_text("已生成 5 个班次")
    assert Shift.objects.filter(unit=unit).count() == 7
    expect(clerk.locator("#ay-roster-gaps")).to_contain_text("带班领导")  # nobody on the new days yet

    day2 = Shift.objects.filter(unit=unit).order_by("starts_at")[2]
    clerk.goto(f"/duty/shifts/{day2.pk}/")
    for post, name, phone, side in (("带班领导", "李镇长", "13900000011", "政府"), ("值班员", "张值班", "13900000012", "")):
        clerk.get_by_label("岗位").select_option(label=post)
        clerk.get_by_label("姓名", exact=True).fill(name)
        clerk.get_by_label("手机", exact=True).fill(phone)
        if side:
            clerk.get_by_label("党/政（带班领导）").select_option(label=side)
        clerk.get_by_role("button", name="安排").click()
        expect(clerk.get_by_role("alert")).to_contain_text(f"已安排{post} {name}")
    expect(clerk.locator("#ay-shift-people")).to_contain_text("李镇长")
    clerk.goto(f"/duty/roster/?unit={unit.pk}&month={day2.date:%Y-%m}")
    expect(clerk.locator(f'tr[data-date="{day2.date:%Y-%m-%d}"]')).not_to_have_class("table-warning")
    shoot(clerk, "duty-roster-phone")

    # today's officer logs a call and an open item, then hands over
    officer = log_in(new_page(**DESK), "jiuxian")
    officer.goto("/duty/")
    officer.get_by_role("link", name="本班值班日志").click()
    officer.get_by_label("类型").select_option(label="来电来访/接报")
    officer.get_by_label("来源/对象").fill("群众来电")
    officer.get_by_label("内容").fill("反映旧县大桥下游有人垂钓落水，已转119和街道派出所")
    officer.get_by_role("button", name="记入日志").click()
    expect(officer.get_by_role("alert")).to_contain_text("已记入值班日志")
    officer.get_by_label("类型").select_option(label="待办事项")
    officer.get_by_label("内容").fill("跟踪落水人员搜救结果，报区应急局")
    officer.get_by_role("button", name="记入日志").click()
    expect(officer.locator("#ay-open-items")).to_contain_text("跟踪落水人员搜救结果")
    officer.get_by_label("本班情况").fill("接报 1 起落水警情，已转办，搜救结果待跟踪。")
    officer.get_by_role("button", name="交班签字").click()
    expect(officer.get_by_role("alert")).to_contain_text("已交班")
    expect(officer.get_by_text("等待下一班接班签字", exact=True)).to_be_visible()
    shoot(officer, "duty-shift-desk")

    relief = log_in(new_page(**PHONE), "jiuxian2")
    relief.goto("/todo/")
    relief.get_by_role("link", name=f"{unit.name} {desk['current'].date:%m-%d} 交班").click()
    expect(relief.get_by_role("link", name="跟踪落水人员搜救结果")).to_be_visible()  # carried by the handover
    relief.get_by_label("接班意见").fill("已接，继续跟踪")
    relief.get_by_role("button", name="接班签字").click()
    expect(relief.get_by_role("alert")).to_contain_text("已接班")
    h = Handover.objects.get()
    assert h.received_by == User.objects.get(username="jiuxian2") and "跟踪落水人员" in h.carried[0]["text"]
    assert LogEntry.objects.filter(open=True).count() == 1  # the item stays open for the next shift

    admin = log_in(new_page(**DESK), "admin")
    admin.goto("/duty/checks/")
    admin.locator("summary", has_text="记录一次抽查").click()
    admin.get_by_label("被检查单位").select_option(label=unit.name)
    admin.get_by_label("拨打号码").fill("023-45670000")
    admin.get_by_label("接听用时（秒）").fill("25")
    admin.get_by_label("接听人", exact=True).fill("王接班")
    admin.get_by_role("button", name="保存").click()
    expect(admin.get_by_role("alert")).to_contain_text("85 分")
    expect(admin.locator("#ay-check-scores")).to_contain_text(unit.name)
    shoot(admin, "duty-checks-desk")
    assert SpotCheck.objects.get().score == 85
