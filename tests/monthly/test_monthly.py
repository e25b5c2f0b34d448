"""企业月报 (issue #19 point 1): compiled from the enterprise's records, confirmed by the enterprise
and then frozen, due by the 5th (on time on the 5th, late on the 6th), the late flagged to the town
once by the clock, the town's month with the sums by industry, .xlsx and .docx."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from anying.core.errors import PermissionDenied
from anying.core.models import Notification
from anying.hazards import services as hazard_services
from anying.hazards.models import Hazard
from anying.monthly import rules, services
from anying.monthly.models import LateNotice, MonthlyReport
from anying.registry.models import Enterprise

TODAY = timezone.localdate()
MONTH = rules.previous_month(TODAY)


def at(day: dt.date, hour=10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def hazard(user, enterprise, found_on, *, closed_on=None, funds=None, level="general"):
    h = hazard_services.register(user, {"enterprise": enterprise, "place": "储罐区", "description": "静电接地缺失",
                                        "level": "general", "channel": "self", "found_by": "张三", "found_on": found_on})
    Hazard.objects.filter(pk=h.pk).update(level=level, measures="重新敷设接地线", responsible_person="李四",
                                          funds=funds, **({"status": Hazard.Status.CLOSED, "closed_on": closed_on}
                                                          if closed_on else {}))
    return h


@pytest.fixture
def registered_before(db):
    """The enterprises registered before the month owe its report (test ones are made today)."""
    def backdate():
        Enterprise.objects.update(created_at=at(MONTH - dt.timedelta(days=40)))
    return backdate


@pytest.fixture
def setup(make_enterprise, enterprise_user, registered_before):
    ent = make_enterprise(name="渝西化工", industry_name="危险化学品")
    registered_before()
    return ent, enterprise_user(ent)


def test_deadline_is_the_5th_of_the_next_month():
    assert rules.deadline_day() == 5
    assert rules.due_on(dt.date(2026, 11, 1)) == dt.date(2026, 12, 5)
    assert rules.due_on(dt.date(2026, 12, 1)) == dt.date(2027, 1, 5)
    assert rules.parse_month("2026-11") == dt.date(2026, 11, 1)
    assert rules.parse_month("2026-13") is None and rules.parse_month("２026-11") is None and rules.parse_month(None) is None


def test_compiled_from_records_and_frozen_on_confirm(setup):
    ent, boss = setup
    end = rules.month_end(MONTH)
    hazard(boss, ent, MONTH, closed_on=MONTH + dt.timedelta(days=3), funds=Decimal("1200.50"))
    hazard(boss, ent, MONTH + dt.timedelta(days=5), level="major")
    hazard(boss, ent, MONTH - dt.timedelta(days=3))  # found before the month, still open at its end
    figures, details = services.compile_report(ent, MONTH)
    h = figures["hazards"]
    assert (h["found_general"], h["found_major"], h["closed_general"], h["open_general"], h["open_major"]) == (1, 1, 1, 1, 1)
    assert h["funds"] == "1200.50"
    assert len(details["hazards"]) == 3 and details["hazards"][0]["responsible_person"] == "李四"
    assert figures["drills"] == {"drills": 0, "drill_people": 0}
    report = services.confirm(boss, ent, MONTH, "本月正常", now=at(TODAY))
    # a record added later does not change what was confirmed
    hazard(boss, ent, end)
    report.refresh_from_db()
    assert report.figures["hazards"]["found_general"] == 1 and report.note == "本月正常"
    with pytest.raises(ValidationError, match="已确认"):
        services.confirm(boss, ent, MONTH)


def test_only_a_past_month_and_only_ones_own(setup, make_enterprise, enterprise_user, users):
    ent, boss = setup
    with pytest.raises(ValidationError, match="已结束月份"):
        services.confirm(boss, ent, rules.month_start(TODAY))
    other = make_enterprise(name="别家")
    with pytest.raises(PermissionDenied):
        services.confirm(boss, other, MONTH)
    with pytest.raises(PermissionDenied):
        services.confirm(users["jiuxian"], ent, MONTH)
    assert not MonthlyReport.objects.exists()


def test_on_time_on_the_5th_late_on_the_6th(setup, make_enterprise, enterprise_user, registered_before):
    ent, boss = setup
    due = rules.due_on(MONTH)
    on_time = services.confirm(boss, ent, MONTH, now=at(due, 23))
    assert not on_time.late
    ent2 = make_enterprise(name="乙")
    registered_before()
    late = services.confirm(enterprise_user(ent2, "qb"), ent2, MONTH, now=at(due + dt.timedelta(days=1), 0))
    assert late.late


def test_the_clock_flags_the_late_to_the_town_once(setup, make_enterprise, enterprise_user, users, registered_before):
    ent, boss = setup
    confirmed = make_enterprise(name="已报企业")
    registered_before()
    services.confirm(enterprise_user(confirmed, "qc"), confirmed, MONTH, now=at(rules.due_on(MONTH)))
    due = rules.due_on(MONTH)
    assert services.flag_late(at(due, 23)) == 0  # still the 5th: not late yet
    assert not LateNotice.objects.exists()
    assert services.flag_late(at(due + dt.timedelta(days=1), 1)) == 1
    town_msgs = Notification.objects.filter(user=users["jiuxian"], title__contains="逾期未报")
    assert town_msgs.count() == 1 and "渝西化工" in town_msgs.get().body and "已报企业" not in town_msgs.get().body
    assert Notification.objects.filter(user=boss, title__contains="确认").count() == 1
    assert services.flag_late(at(due + dt.timedelta(days=2))) == 0  # once per town and month
    assert Notification.objects.filter(user=users["jiuxian"], title__contains="逾期未报").count() == 1
    assert not Notification.objects.filter(user=users["hufeng"], title__contains="逾期未报").exists()


def test_the_towns_month_shows_who_reported_and_the_sums(setup, make_enterprise, enterprise_user, users, login,
                                                         registered_before):
    ent, boss = setup
    hazard(boss, ent, MONTH, closed_on=MONTH + dt.timedelta(days=1), funds=Decimal("800"))
    services.confirm(boss, ent, MONTH, now=at(rules.due_on(MONTH)))
    make_enterprise(name="未报企业")
    registered_before()
    town = login(users["jiuxian"])
    page = town.get(f"/monthly/?month={MONTH:%Y-%m}").content.decode()
    assert "渝西化工" in page and "未报企业" in page and "危险化学品" in page and "800" in page
    late_only = town.get(f"/monthly/?month={MONTH:%Y-%m}&state={'missing' if TODAY > rules.due_on(MONTH) else 'pending'}")
    assert "未报企业" in late_only.content.decode() and "渝西化工" not in late_only.content.decode().split("monthly-rows")[1].split("monthly-sums")[0]
    book = load_workbook(BytesIO(b"".join(town.get(f"/monthly/?month={MONTH:%Y-%m}&export=xlsx").streaming_content)))
    assert book.sheetnames == ["报送情况", "分行业汇总"]
    sums = [row for row in book["分行业汇总"].iter_rows(values_only=True) if row and row[0] == "危险化学品"]
    assert sums and sums[0][1] == 1
    docx = town.get(f"/monthly/{ent.pk}/{MONTH:%Y-%m}.docx")
    assert docx.status_code == 200 and docx["Content-Type"].startswith("application/vnd.openxmlformats")
    # another town's officer does not see the enterprise's report
    assert login(users["hufeng"]).get(f"/monthly/{ent.pk}/{MONTH:%Y-%m}/").status_code == 404
    assert "渝西化工" not in login(users["hufeng"]).get(f"/monthly/?month={MONTH:%Y-%m}").content.decode()


def test_the_enterprise_confirms_on_its_page_and_by_api(setup, login, make_enterprise, enterprise_user, registered_before):
    ent, boss = setup
    client = login(boss)
    mine = client.get("/monthly/mine/", follow=True)
    assert mine.status_code == 200 and "确认月报" in mine.content.decode()
    client.post(f"/monthly/{ent.pk}/{MONTH:%Y-%m}/", {"note": "已核对"})
    assert MonthlyReport.objects.get(enterprise=ent).note == "已核对"
    from django.test import Client

    from anying.core.services import create_token

    ent2 = make_enterprise(name="乙")
    registered_before()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(None, enterprise_user(ent2, 'qb'), '测试')[1]}")
    made = api.post("/api/v1/monthly/confirm", {"month": MONTH.isoformat(), "note": ""}, content_type="application/json")
    assert made.status_code == 201 and made.json()["figures"]["hazards"]["found_general"] == 0
    assert api.post("/api/v1/monthly/confirm", {"month": MONTH.isoformat()}, content_type="application/json").status_code in (400, 422)
    listed = api.get(f"/api/v1/monthly/reports?year={MONTH.year}&month={MONTH.month}").json()["items"]
    assert [r["enterprise"] for r in listed] == ["乙"]  # only its own


def test_no_report_for_a_month_before_the_enterprise_was_registered(setup):
    ent, boss = setup
    with pytest.raises(ValidationError, match="无需报送"):
        services.confirm(boss, ent, dt.date(1900, 2, 1))
    assert not MonthlyReport.objects.exists()
