"""Issue #19's journey in a browser: during a running 专项行动 a 危化 enterprise registers a hazard
from a 390 px phone and tags it with the campaign; on the 3rd of the next month it confirms its
monthly report, compiled from its records; on the 6th the clock flags the one enterprise that has
not confirmed, and 旧县街道's inspector at a 1366 px desk sees who reported, who is late, the
confirmed report's figures, and the campaign's statistics counting the hazard. Screenshots at both
widths (test-artifacts/obligations-*.png)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anying.campaigns import services as campaign_services
from anying.hazards.models import Hazard
from anying.monthly import rules
from anying.monthly import services as monthly_services
from anying.monthly.models import MonthlyReport
from anying.registry.models import Enterprise

from .helpers import log_in, shoot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 900}}


def _no_sideways(page, name):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name} scrolls sideways on a phone ({width} px)"


def test_monthly_report_and_campaign_statistics(new_page, users, make_enterprise, enterprise_user, monkeypatch):
    # "now" is set for the server too (it runs in this process); always ahead of the real clock, so the
    # browser keeps its session cookie: the days of next month, reporting on this month
    real = timezone.localdate()
    next_month = rules.next_month(real)
    month = rules.month_start(real)
    clock = {"now": timezone.make_aware(dt.datetime.combine(next_month.replace(day=1), dt.time(9)))}
    monkeypatch.setattr("django.utils.timezone.now", lambda: clock["now"])

    chem = make_enterprise(name="渝西化工有限公司", industry_name="危险化学品")
    make_enterprise(name="巴川机械厂")
    Enterprise.objects.update(created_at=clock["now"] - dt.timedelta(days=90))
    enterprise_user(chem)  # qiye
    campaign = campaign_services.create(users["admin"], {
        "name": "动火等危险作业专项整治", "starts_on": month, "ends_on": next_month + dt.timedelta(days=40)},
        industries=[], phases=[
            {"kind": "self_check", "starts_on": month, "ends_on": next_month + dt.timedelta(days=4)},
            {"kind": "enforcement", "starts_on": next_month + dt.timedelta(days=5), "ends_on": next_month + dt.timedelta(days=40)}])
    campaign_services.add_item(users["admin"], campaign.pk, {"category": "动火作业", "content": "动火作业是否办理作业票"})
    campaign_services.step(users["admin"], campaign.pk, "start")

    # the enterprise registers a hazard it found in the self-check, on a phone, under the campaign
    phone = log_in(new_page(**PHONE), "qiye")
    phone.goto(f"/hazards/new/{chem.pk}/")
    phone.fill("#id_place", "储罐区东侧")
    phone.fill("#id_description", "动火作业未办理作业票，现场无监护人")
    phone.fill("#id_found_by", "张安全")
    phone.fill("#id_found_on", (month + dt.timedelta(days=2)).isoformat())
    phone.select_option("#id_campaign", label="动火等危险作业专项整治")
    shoot(phone, "obligations-1-hazard-campaign-390")
    phone.get_by_role("button", name="登记").click()
    expect(phone.locator("body")).to_contain_text("已登记隐患")
    hazard = Hazard.objects.get(enterprise=chem)
    assert hazard.campaign_id == campaign.pk
    # … rectified within the month: its measures, person and funds are the report's detail
    Hazard.objects.filter(pk=hazard.pk).update(status=Hazard.Status.CLOSED, closed_on=month + dt.timedelta(days=6),
                                               measures="建立动火作业票制度，配备监护人", responsible_person="李主任",
                                               funds="3500.00")

    # on the 3rd it confirms last month's report on the phone
    clock["now"] = timezone.make_aware(dt.datetime.combine(next_month.replace(day=3), dt.time(10)))
    phone = log_in(new_page(**PHONE), "qiye")  # another day, another session
    phone.goto(f"/monthly/mine/?month={month:%Y-%m}")
    figures = phone.locator("#monthly-figures")
    expect(figures).to_contain_text("新发现一般隐患")
    expect(figures).to_contain_text("3500.00")
    expect(phone.locator("table")).to_contain_text("李主任")
    shoot(phone, "obligations-2-monthly-confirm-390")
    _no_sideways(phone, "the monthly report")
    phone.fill("#id_note", "本月储罐区动火作业已全部办票")
    phone.get_by_role("button", name="核对无误，确认月报").click()
    expect(phone.locator("#monthly-state")).to_contain_text("确认")
    report = MonthlyReport.objects.get(enterprise=chem, month=month)
    assert not report.late and report.figures["hazards"]["found_general"] == 1

    # on the 6th the clock tells the town who has not confirmed
    clock["now"] = timezone.make_aware(dt.datetime.combine(next_month.replace(day=6), dt.time(9)))
    assert monthly_services.flag_late(clock["now"]) >= 1
    desk = log_in(new_page(**DESK), "jiuxian")
    desk.goto(f"/monthly/?month={month:%Y-%m}")
    rows = desk.locator("#monthly-rows")
    expect(rows.locator("tr", has_text="巴川机械厂")).to_contain_text("逾期未报")
    expect(rows.locator("tr", has_text="渝西化工有限公司")).to_contain_text("已确认")
    expect(desk.locator("#monthly-sums")).to_contain_text("危险化学品")
    shoot(desk, "obligations-3-town-month-1366")
    desk.get_by_role("link", name="渝西化工有限公司").click()
    expect(desk.locator("#monthly-figures")).to_contain_text("3500.00")
    expect(desk.locator("body")).to_contain_text("本月储罐区动火作业已全部办票")
    shoot(desk, "obligations-4-confirmed-report-1366")

    # the campaign's statistics count the tagged hazard in its self-check phase
    desk.goto(f"/campaigns/{campaign.pk}/")
    stats = desk.locator("#campaign-stats")
    expect(stats.locator("tbody tr", has_text="旧县街道")).to_contain_text("1")
    self_check = campaign.phases.get(kind="self_check")
    desk.goto(f"/campaigns/{campaign.pk}/?period={self_check.pk}")
    cells = desk.locator("#campaign-stats tfoot td")
    headers = desk.locator("#campaign-stats thead tr").nth(1).locator("th")
    labels = [headers.nth(i).inner_text() for i in range(headers.count())]
    assert cells.nth(1 + labels.index("自查隐患")).inner_text() == "1"
    shoot(desk, "obligations-5-campaign-stats-1366")
    town_phone = log_in(new_page(**PHONE), "jiuxian")
    town_phone.goto(f"/campaigns/{campaign.pk}/")
    shoot(town_phone, "obligations-6-campaign-390")
