"""Issue #19 point 3 in a browser: a 机械 enterprise in 旧县街道 records its new hires' 厂级
三级安全教育 on a 390 px phone — a missing score is refused in Chinese, then the session is
saved with its scores (one failed) and the safety manager linked to the registry; the town, at a
1366 px desk, opens the coverage page and sees 旧县街道's enterprises and the share trained, then
the people with their hours against the minimum. Screenshots at both widths."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.registry.models import KeyPerson
from anying.training.models import Attendance, Session

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 900}}


def _no_sideways(page, name):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name} scrolls sideways on a phone ({width} px)"


def test_enterprise_records_three_level_education_and_town_sees_coverage(new_page, users, make_enterprise,
                                                                          enterprise_user):
    ent = make_enterprise("铜梁某机械厂", town_name="旧县街道", industry_name="机械")
    KeyPerson.objects.create(enterprise=ent, kind=KeyPerson.Kind.PRINCIPAL, name="王总")
    KeyPerson.objects.create(enterprise=ent, kind=KeyPerson.Kind.SAFETY_MANAGER, name="李安全")
    enterprise_user(ent, "qiye")

    phone = log_in(new_page(**PHONE), "qiye")
    phone.goto("/training/")
    phone.get_by_role("link", name="登记培训记录").click()
    phone.select_option("#id_kind", "level_company")
    phone.fill("#id_topic", "新员工厂级安全教育：本单位安全生产情况、规章制度、事故案例")
    phone.fill("#id_held_on", timezone.localdate().isoformat())
    phone.fill("#id_hours", "8")
    phone.fill("#id_trainer", "企业安全管理部")
    phone.fill("#id_attendees", "张三 焊工 86\n李四 叉车司机\n李安全 安全员 95")
    phone.get_by_role("button", name="保存").click()
    expect(phone.locator("body")).to_contain_text("缺少考试成绩")
    assert not Session.objects.exists()
    phone.fill("#id_attendees", "张三 焊工 86\n李四 叉车司机 52\n李安全 安全员 95")
    shoot(phone, "training-1-session-form-390")
    _no_sideways(phone, "the session form")
    phone.get_by_role("button", name="保存").click()
    expect(phone.locator("body")).to_contain_text("已登记培训记录")
    expect(phone.locator("body")).to_contain_text("不合格")
    shoot(phone, "training-2-session-390")
    _no_sideways(phone, "the session page")
    session = Session.objects.get()
    assert session.attendances.count() == 3
    assert Attendance.objects.get(trainee__name="李安全").trainee.key_person.kind == KeyPerson.Kind.SAFETY_MANAGER
    assert not Attendance.objects.get(trainee__name="李四").passed

    desk = log_in(new_page(**DESK), "jiuxian")
    desk.goto("/training/coverage/")
    expect(desk.locator("#by-town")).to_contain_text("旧县街道")
    # 王总 has not been trained yet: the enterprise is not covered
    expect(desk.locator("#total-pct")).to_contain_text("0")
    shoot(desk, "training-3-coverage-1366")
    desk.goto("/training/people/")
    expect(desk.locator("body")).to_contain_text("张三")
    expect(desk.locator("body")).to_contain_text("岗前 ≥ 24")
    shoot(desk, "training-4-people-1366")
    phone_town = log_in(new_page(**PHONE), "jiuxian")
    phone_town.goto("/training/coverage/")
    shoot(phone_town, "training-5-coverage-390")
    _no_sideways(phone_town, "the coverage page")


def test_the_town_reads_a_mines_month_on_site(new_page, users, make_enterprise):
    """Point 8's table, at both widths: the mine's actual controller and chief engineer with their
    days this month (进行中) and the chief engineer's qualification gap."""
    from anying.core.permissions import SYSTEM
    from anying.onsite import services as onsite

    mine = make_enterprise("铜梁某石场", town_name="旧县街道", industry_name="非煤矿山")
    boss = KeyPerson.objects.create(enterprise=mine, kind=KeyPerson.Kind.ACTUAL_CONTROLLER, name="罗老板")
    KeyPerson.objects.create(enterprise=mine, kind=KeyPerson.Kind.CHIEF_ENGINEER, name="唐总工",
                             title_level=KeyPerson.TitleLevel.JUNIOR, experience_years=3, field_of_study="采矿工程")
    onsite.record_day(SYSTEM, mine, {"person": boss.pk, "day": timezone.localdate(), "work": "带班入坑检查"})
    desk = log_in(new_page(**DESK), "jiuxian")
    desk.goto("/onsite/")
    expect(desk.locator("#mines")).to_contain_text("罗老板")
    expect(desk.locator("#mines")).to_contain_text("职称低于中级")
    shoot(desk, "onsite-1-months-1366")
    phone = log_in(new_page(**PHONE), "jiuxian")
    phone.goto("/onsite/")
    shoot(phone, "onsite-2-months-390")
    _no_sideways(phone, "the month's table")
