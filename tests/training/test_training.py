"""The training archive: recording a session (three-level education, scores, the roster
resolved to key persons and trainees), the refusals, hours against the minimums of the CSV,
coverage per town and industry, the monthly source, scope, the pages, exports and the API."""

import datetime as dt
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from anying.core import hooks
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM
from anying.core.services import create_token
from anying.registry.models import Enterprise, KeyPerson
from anying.training import rules, services
from anying.training.models import Attendance, Kind, Session, Trainee

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def session(actor, ent, roster, kind=Kind.LEVEL_COMPANY, hours=8, day=None, **extra):
    return services.save_session(actor, ent, {"kind": kind, "topic": "新员工厂级安全教育", "held_on": day or TODAY,
                                              "hours": hours, "trainer": "安全部", "has_exam": True, "pass_mark": 60,
                                              "attendees": roster, **extra})


def test_minimums_are_data_with_sources():
    table = rules.hours_table()
    assert table[("leader", "general")].initial == 32 and table[("leader", "general")].annual == 12
    assert table[("leader", "high_risk")].initial == 48 and table[("leader", "high_risk")].annual == 16
    assert table[("worker", "general")].initial == 24
    assert table[("worker", "high_risk")].initial == 72 and table[("worker", "high_risk")].annual == 20
    assert all(r.source and r.clause for r in table.values())
    assert "feimei" in rules.high_risk_codes() and "jixie" not in rules.high_risk_codes()
    assert rules.targets()["feimei"].coverage_pct == 100 and rules.targets()["feimei"].from_year == 2026


def test_roster_is_parsed():
    assert services.parse_roster("张三 焊工 86\n\n李四，叉车司机，90\n王五") == [
        {"name": "张三", "post": "焊工", "score": 86}, {"name": "李四", "post": "叉车司机", "score": 90},
        {"name": "王五", "post": "", "score": None}]


def test_three_level_session_links_key_persons_and_new_hires(ent, qiye):
    s = session(qiye, ent, "张三 焊工 86\n李四 叉车司机 50\n李安全 安全员 95")
    assert s.attendances.count() == 3
    zhang = Trainee.objects.get(name="张三")
    assert zhang.hired_on == TODAY and zhang.key_person is None and zhang.post == "焊工"
    assert not Attendance.objects.get(trainee__name="李四").passed  # 50 < 60
    li = Trainee.objects.get(name="李安全")
    assert li.key_person.kind == KeyPerson.Kind.SAFETY_MANAGER and li.is_leader
    event = AuditEvent.objects.get(object_id=str(s.pk), content_type__model="session")
    assert "3 人参训" in event.summary and "1 人不合格" in event.summary
    # the same name again is the same person of the archive
    session(qiye, ent, "张三 焊工 90", kind=Kind.LEVEL_WORKSHOP)
    assert Trainee.objects.filter(name="张三").count() == 1


@pytest.mark.parametrize("change, field, message", [
    ({"kind": "x"}, "kind", "请选择培训类别"),
    ({"topic": " "}, "topic", "请填写培训内容"),
    ({"held_on": TODAY + dt.timedelta(days=1)}, "held_on", "不能晚于今天"),
    ({"hours": "0.3"}, "hours", "0.5到200"),
    ({"hours": "abc"}, "hours", "须为数字"),
    ({"trainer": ""}, "trainer", "授课人"),
    ({"attendees": ""}, "attendees", "请填写参训人员"),
    ({"attendees": "张三 焊工"}, "attendees", "缺少考试成绩"),
    ({"attendees": "张三 焊工 120"}, "attendees", "0到100"),
    ({"attendees": "张三 焊工 80\n张三 焊工 90"}, "attendees", "重复"),
    ({"pass_mark": 101}, "pass_mark", "合格分数"),
])
def test_refusals_change_nothing(ent, qiye, change, field, message):
    data = {"kind": Kind.LEVEL_COMPANY, "topic": "厂级教育", "held_on": TODAY, "hours": 8, "trainer": "安全部",
            "has_exam": True, "pass_mark": 60, "attendees": "张三 焊工 80", **change}
    with pytest.raises(ValidationError) as exc:
        services.save_session(qiye, ent, data)
    assert message in " ".join(exc.value.message_dict[field])
    assert not Session.objects.exists() and not Trainee.objects.exists()


def test_only_the_enterprise_records_its_own(ent, mine, qiye, users):
    with pytest.raises(PermissionDenied):
        session(qiye, mine, "张三 焊工 80")
    with pytest.raises(PermissionDenied):
        session(users["jiuxian"], ent, "张三 焊工 80")
    assert not Session.objects.exists()


def test_scope_town_reads_enterprise_sees_own(ent, mine, qiye, users):
    session(qiye, ent, "张三 焊工 80")
    session(SYSTEM, mine, "罗矿长 矿长 90", kind=Kind.LEADER)
    assert Session.objects.visible_to(qiye).count() == 1
    assert Session.objects.visible_to(users["jiuxian"]).filter(enterprise=ent).count() == 1
    assert not Session.objects.visible_to(users["jiuxian"]).filter(enterprise=mine).exists()  # 虎峰镇
    assert Session.objects.visible_to(users["admin"]).count() == 2


def test_hours_against_the_minimum(ent, mine, qiye):
    session(qiye, ent, "张三 焊工 80", hours=8)
    session(qiye, ent, "张三 焊工 80\n王总 总经理 90", kind=Kind.REFRESHER, hours=16)
    codes = services.industry_codes()
    year = TODAY.year
    people = {t.name: t for t in services.with_hours(Trainee.objects.filter(enterprise=ent), year).select_related(
        "key_person")}
    zhang = services.compliance(people["张三"], year, codes, ent.industry_id)
    assert zhang["have"] == 24 and zhang["need"] == 24 and zhang["initial"] and not zhang["short"]  # 岗前 ≥24
    boss = services.compliance(people["王总"], year, codes, ent.industry_id)
    assert boss["need"] == 12 and boss["have"] == 16 and not boss["short"]  # 再培训 ≥12 (not hired this year)
    session(SYSTEM, mine, "新矿工 爆破工 80", hours=24)
    new = services.with_hours(Trainee.objects.filter(name="新矿工"), year).select_related("key_person").get()
    c = services.compliance(new, year, codes, mine.industry_id)
    assert c["need"] == 72 and c["short"]  # high-risk 岗前 ≥72


def test_coverage_per_town_and_industry(ent, mine, qiye, make_enterprise):
    bare = make_enterprise("无人员企业", town_name="旧县街道", industry_name="机械")
    session(qiye, ent, "王总 总经理 90", kind=Kind.LEADER)
    year = TODAY.year
    data = services.coverage(Enterprise.objects.all(), year)
    towns = {r["name"]: r for r in data["towns"]}
    assert towns["旧县街道"]["enterprises"] == 2 and towns["旧县街道"]["covered"] == 0  # 李安全 not trained
    session(qiye, ent, "李安全 安全员 90", kind=Kind.LEADER)
    data = services.coverage(Enterprise.objects.all(), year)
    towns = {r["name"]: r for r in data["towns"]}
    assert towns["旧县街道"]["covered"] == 1 and towns["旧县街道"]["pct"] == 50.0
    industries = {r["name"]: r for r in data["industries"]}
    assert industries["非煤矿山"]["covered"] == 0
    assert (industries["非煤矿山"]["target"] is not None) == (year >= 2026)
    assert industries["机械"]["target"] is None
    assert data["total"]["enterprises"] == 3 and bare.pk


def test_monthly_source(ent, qiye):
    session(qiye, ent, "张三 焊工 80\n李四 焊工 70", hours=8)
    session(qiye, ent, "张三 焊工 80", hours=4, kind=Kind.LEVEL_TEAM)
    source = hooks.MONTHLY_SOURCES["training"]
    got = source.compile(ent, TODAY.replace(day=1), TODAY)
    assert got == {"sessions": 2, "person_times": 3, "hours": Decimal("12.0")}
    assert {k for k, *_ in source.figures} == set(got)


def test_plan_item_and_trainee(ent, qiye):
    item = services.save_plan_item(qiye, ent, TODAY.year, {"month": 3, "kind": Kind.LEVEL_COMPANY, "topic": "新员工厂级",
                                                          "audience": "新入职员工", "hours": 8})
    assert item.plan.year == TODAY.year
    with pytest.raises(ValidationError) as exc:
        services.save_plan_item(qiye, ent, TODAY.year, {"month": 13, "kind": "x", "topic": "", "audience": "", "hours": 0})
    assert set(exc.value.message_dict) == {"month", "kind", "topic", "audience", "hours"}
    t = services.save_trainee(qiye, ent, {"name": "赵六", "post": "电工", "hired_on": TODAY})
    assert t.enterprise == ent and not t.is_leader


def test_pages_and_exports(ent, mine, qiye, users, login):
    s = session(qiye, ent, "张三 焊工 86\n王总 总经理 90")
    c = login(qiye)
    assert c.get(reverse("training_new")).status_code == 200
    r = c.post(reverse("training_new"), {"kind": "level_team", "topic": "班组级教育", "held_on": TODAY.isoformat(),
                                         "hours": "4", "trainer": "班组长", "has_exam": "on", "pass_mark": "60",
                                         "attendees": "张三 焊工"})
    assert r.status_code == 200 and "缺少考试成绩" in r.content.decode()
    for user in (qiye, users["jiuxian"], users["admin"], users["leader"]):
        c = login(user)
        assert "新员工厂级安全教育" in c.get(reverse("training_list")).content.decode()
        assert "张三" in c.get(reverse("training_session", args=[s.pk])).content.decode()
        people = c.get(reverse("trainee_list")).content.decode()
        assert "张三" in people and "岗前 ≥ 24" in people
        t = Trainee.objects.get(name="张三")
        assert c.get(reverse("trainee_detail", args=[t.pk])).status_code == 200
        assert c.get(reverse("training_plan", args=[ent.pk])).status_code == 200
        assert "旧县街道" in c.get(reverse("training_coverage")).content.decode()
        for name in ("training_list", "trainee_list", "training_coverage"):
            r = c.get(reverse(name) + "?export=xlsx")
            assert r.status_code == 200, name
            openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
        assert c.get(reverse("enterprise_detail", args=[ent.pk]) + "?tab=training").status_code == 200
    assert login(users["hufeng"]).get(reverse("training_session", args=[s.pk])).status_code == 404
    assert login(users["jiuxian"]).get(reverse("training_new")).status_code == 404
    r = login(users["jiuxian"]).get(reverse("trainee_list") + "?export=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    values = [c.value for row in book.active.iter_rows() for c in row]
    assert "张三" in values and "铜梁某机械厂" in values


def test_api(ent, qiye, users):
    from django.test import Client

    _, token = create_token(None, qiye, "t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    r = api.post("/api/v1/training/sessions", json.dumps({
        "kind": "level_company", "topic": "厂级", "held_on": TODAY.isoformat(), "hours": "8", "trainer": "安全部",
        "attendees": [{"name": "张三", "post": "焊工", "score": 80}]}), content_type="application/json")
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    assert r.json()["attendees"][0]["name"] == "张三"
    town = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(None, users['jiuxian'], 't')[1]}")
    assert town.get("/api/v1/training/sessions").json()["count"] == 1
    assert town.get(f"/api/v1/training/sessions/{sid}").status_code == 200
    people = town.get("/api/v1/training/people").json()["items"]
    assert people[0]["required_hours"] == "24.0" or float(people[0]["required_hours"]) == 24
    cov = town.get("/api/v1/training/coverage").json()
    assert cov["total"]["enterprises"] >= 1
    r = town.post("/api/v1/training/sessions", json.dumps({
        "kind": "level_company", "topic": "厂级", "held_on": TODAY.isoformat(), "hours": "8", "trainer": "安全部",
        "attendees": []}), content_type="application/json")
    assert r.status_code == 403
