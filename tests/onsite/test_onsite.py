"""The on-site register: days of the 实际控制人 and 总工程师 (refusals, scope), working days from
the national calendar, the month's table against seed 001's minimums (closed months judged,
the running month in progress, 补录 flagged), the chief engineer's qualification check, meeting
minutes with a scan, the monthly source, pages, exports and the API."""

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anying.core import hooks
from anying.core.errors import PermissionDenied
from anying.core.permissions import SYSTEM
from anying.core.services import create_token
from anying.onsite import rules, services
from anying.onsite.models import Meeting, OnsiteDay
from anying.registry.models import Enterprise, KeyPerson

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LAST = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def workdays(start, end):
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)
            if rules.is_working_day(start + dt.timedelta(days=n))]


def last_month_days():
    return workdays(*rules.month_bounds(LAST))


def test_minimums_and_rule_are_data():
    m = rules.minimums()
    assert m["actual_controller"].minimum == 10 and m["chief_engineer"].minimum == 15 and m["meeting"].minimum == 1
    assert all("001" in r.source for r in m.values())


def test_working_days_follow_the_national_calendar():
    assert rules.is_working_day(dt.date(2026, 10, 1)) is False  # 国庆
    assert rules.is_working_day(dt.date(2026, 12, 7)) is True  # a Monday
    assert rules.is_working_day(dt.date(2026, 12, 6)) is False  # a Sunday


def test_chief_engineer_gaps(engineer):
    assert rules.chief_engineer_gaps(engineer) == []
    engineer.title_level, engineer.experience_years, engineer.field_of_study = "junior", 3, "会计"
    gaps = rules.chief_engineer_gaps(engineer)
    assert len(gaps) == 3 and "职称低于中级" in gaps and "从业年限不足5年" in gaps


def test_record_day_and_refusals(mine, controller, kuang, users, make_enterprise):
    row = services.record_day(kuang, mine, {"person": controller.pk, "day": TODAY, "work": "带班入坑检查"})
    assert row.enterprise == mine and not row.late
    with pytest.raises(ValidationError) as exc:
        services.record_day(kuang, mine, {"person": controller.pk, "day": TODAY, "work": "又一次"})
    assert "已登记" in exc.value.message_dict["day"][0]
    with pytest.raises(ValidationError) as exc:
        services.record_day(kuang, mine, {"person": 0, "day": TODAY + dt.timedelta(days=1), "work": ""})
    assert set(exc.value.message_dict) == {"person", "day", "work"}
    other = make_enterprise("别家矿", town_name="旧县街道", industry_name="非煤矿山")
    stranger = KeyPerson.objects.create(enterprise=other, kind=KeyPerson.Kind.ACTUAL_CONTROLLER, name="外人")
    with pytest.raises(ValidationError):
        services.record_day(kuang, mine, {"person": stranger.pk, "day": TODAY, "work": "x"})
    with pytest.raises(PermissionDenied):
        services.record_day(kuang, other, {"person": stranger.pk, "day": TODAY, "work": "x"})
    with pytest.raises(PermissionDenied):
        services.record_day(users["jiuxian"], mine, {"person": controller.pk, "day": TODAY, "work": "x"})
    assert OnsiteDay.objects.count() == 1


def test_month_table_judges_closed_months(mine, controller, engineer):
    days = last_month_days()
    for d in days[:10]:
        services.record_day(SYSTEM, mine, {"person": controller.pk, "day": d, "work": "现场履职"})
    for d in days[:12]:
        services.record_day(SYSTEM, mine, {"person": engineer.pk, "day": d, "work": "在矿履职"})
    rows = services.month_table(Enterprise.objects.all(), LAST)
    row = next(r for r in rows if r["enterprise"] == mine)
    by = {p["person"].kind: p for p in row["persons"]}
    assert by["actual_controller"]["working_days"] == 10 and by["actual_controller"]["met"]
    assert by["chief_engineer"]["working_days"] == 12 and not by["chief_engineer"]["met"]
    assert row["closed"] and row["short"] and row["meetings"] == 0 and not row["meeting_met"]
    # days recorded after the month ended count and are flagged 补录 (here: all were recorded today
    # but one, put back on its own day)
    on_time = OnsiteDay.objects.get(person=engineer, day=days[0])
    OnsiteDay.objects.filter(pk=on_time.pk).update(
        created_at=timezone.make_aware(dt.datetime.combine(days[0], dt.time(18))))
    row = next(r for r in services.month_table(Enterprise.objects.all(), LAST) if r["enterprise"] == mine)
    assert next(p for p in row["persons"] if p["person"] == engineer)["late"] == 11
    # the running month is not judged yet
    this = next(r for r in services.month_table(Enterprise.objects.all(), TODAY) if r["enterprise"] == mine)
    assert not this["closed"]


def test_mine_without_people_is_listed(make_enterprise):
    bare = make_enterprise("无人员矿", town_name="旧县街道", industry_name="非煤矿山")
    row = next(r for r in services.month_table(Enterprise.objects.all(), TODAY) if r["enterprise"] == bare)
    assert row["missing"] == ["实际控制人", "总工程师"] and row["short"]


def test_meeting_with_scan_and_monthly_source(mine, controller, engineer, kuang):
    scan = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "application/pdf")
    m = services.save_meeting(kuang, mine, {"held_on": TODAY, "topics": "边坡稳定", "attendees": "罗老板、唐总工",
                                            "minutes": "一、加密边坡监测点，唐总工负责，月底完成。"}, files=[scan])
    assert m.enterprise == mine
    with pytest.raises(ValidationError) as exc:
        services.save_meeting(kuang, mine, {"held_on": TODAY, "topics": "", "attendees": "", "minutes": "短"})
    assert set(exc.value.message_dict) == {"topics", "attendees", "minutes"}
    services.record_day(kuang, mine, {"person": controller.pk, "day": TODAY, "work": "x"})
    services.record_day(kuang, mine, {"person": engineer.pk, "day": TODAY, "work": "y"})
    got = hooks.MONTHLY_SOURCES["onsite"].compile(mine, TODAY.replace(day=1), TODAY)
    assert got == {"controller_days": 1, "engineer_days": 1, "meetings": 1}


def test_pages_scope_and_exports(mine, controller, engineer, kuang, users, login):
    services.record_day(kuang, mine, {"person": controller.pk, "day": TODAY, "work": "带班入坑检查"})
    m = services.save_meeting(kuang, mine, {"held_on": TODAY, "topics": "边坡稳定", "attendees": "罗老板",
                                            "minutes": "一、加密边坡监测点，唐总工负责。"})
    c = login(kuang)
    r = c.post(reverse("onsite_days"), {"person": engineer.pk, "day": TODAY.isoformat(), "work": "在矿履职"})
    assert r.status_code == 302 and OnsiteDay.objects.filter(person=engineer).exists()
    r = c.post(reverse("onsite_days"), {"person": engineer.pk, "day": TODAY.isoformat(), "work": "again"})
    assert r.status_code == 200 and "已登记" in r.content.decode()
    assert c.get(reverse("onsite_meeting_new")).status_code == 200
    for user in (kuang, users["jiuxian"], users["admin"], users["yingji"]):
        c = login(user)
        page = c.get(reverse("onsite_months")).content.decode()
        assert "铜梁某石场" in page and "罗老板" in page, user
        assert "带班入坑检查" in c.get(reverse("onsite_days")).content.decode()
        assert "边坡稳定" in c.get(reverse("onsite_meetings")).content.decode()
        assert c.get(reverse("onsite_meeting", args=[m.pk])).status_code == 200
        for name in ("onsite_months", "onsite_days", "onsite_meetings"):
            r = c.get(reverse(name) + "?export=xlsx")
            assert r.status_code == 200
            openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
        assert c.get(reverse("enterprise_detail", args=[mine.pk]) + "?tab=onsite").status_code == 200
    hufeng = login(users["hufeng"])
    assert "铜梁某石场" not in hufeng.get(reverse("onsite_months")).content.decode()
    assert hufeng.get(reverse("onsite_meeting", args=[m.pk])).status_code == 404
    assert login(users["jiuxian"]).post(reverse("onsite_days"), {"work": "x"}).status_code == 403
    assert login(users["jiuxian"]).get(reverse("onsite_meeting_new")).status_code == 404
    assert login(users["jiuxian"]).get(reverse("onsite_months") + "?month=2026-99").status_code == 200


def test_api(mine, controller, kuang, users):
    api = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(None, kuang, 't')[1]}")
    r = api.post("/api/v1/onsite/days", json.dumps({"person_id": controller.pk, "day": TODAY.isoformat(),
                                                    "work": "带班"}), content_type="application/json")
    assert r.status_code == 201, r.content
    r = api.post("/api/v1/onsite/meetings", json.dumps({"held_on": TODAY.isoformat(), "topics": "边坡",
                                                        "attendees": "罗老板", "minutes": "一、加密监测点，月底完成。"}),
                 content_type="application/json")
    assert r.status_code == 201, r.content
    town = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(None, users['jiuxian'], 't')[1]}")
    assert town.get("/api/v1/onsite/days").json()["count"] == 1
    assert town.get("/api/v1/onsite/meetings").json()["count"] == 1
    months = town.get(f"/api/v1/onsite/months?month={TODAY:%Y-%m}").json()
    assert months[0]["persons"][0]["working_days"] in (0, 1)
    assert town.post("/api/v1/onsite/days", json.dumps({"person_id": controller.pk, "day": TODAY.isoformat(),
                                                        "work": "x"}), content_type="application/json").status_code == 403
    assert Meeting.objects.count() == 1
