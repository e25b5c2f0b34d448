"""包保责任人 and their 履职 (docs/monitoring.md "包保责任人"): one current person per kind with the
history kept, the duty records entered by the enterprise, "behind" at the periods' boundaries, the
tick once per period, the scope, the 公示 page and the API."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anying.core import workqueue
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, ClockStep, Notification
from anying.core.permissions import SYSTEM
from anying.core.services import create_token
from anying.hazards.models import Hazard
from anying.monitoring import baobao, services, services_baobao
from anying.monitoring.models_baobao import DutyRecord, Guarantor

TODAY = timezone.localdate()
LONG_AGO = dt.date(2024, 1, 1)


@pytest.fixture
def plant(make_enterprise, enterprise_user):
    """A 旧县街道 chemical plant with a 液氯 store (a major hazard installation) and its account."""
    ent = make_enterprise("旧县化工厂", industry_name="危险化学品")
    inst = services.save_installation(SYSTEM, ent.pk, {"name": "液氯储罐区", "kind": "storage",
                                                       "people_within_500m": 10}, [("液氯", "20", "")])
    assert inst.is_major
    ent.owner = enterprise_user(ent, username="huagong")
    return ent, inst


def person(name="张三", since=LONG_AGO, **extra):
    return {"name": name, "position": "总经理", "phone": "13900000001", "since": since, **extra}


def three(inst, since=LONG_AGO):
    return {kind: services_baobao.assign_guarantor(SYSTEM, inst.pk, kind, person(f"{kind}人", since))
            for kind in Guarantor.Kind.values}


def duty(g, day, **extra):
    return services_baobao.record_duty(SYSTEM, g.pk, {"done_on": day, "checked": "巡查罐区", **extra})


# --- one current person per kind, the history kept ---------------------------------------------------

def test_a_new_person_closes_the_current_one_and_the_history_stays(plant, users):
    _, inst = plant
    first = services_baobao.assign_guarantor(users["jiuxian"], inst.pk, "technical", person("张三"))
    again = services_baobao.assign_guarantor(users["jiuxian"], inst.pk, "technical",
                                             person("张三", phone="13900000009", position="设备副总"))
    assert again.pk == first.pk and again.phone == "13900000009"  # the same person: updated in place
    second = services_baobao.assign_guarantor(users["jiuxian"], inst.pk, "technical", person("李四", since=TODAY))
    first.refresh_from_db()
    assert first.until == TODAY and second.until is None
    assert list(Guarantor.objects.current().filter(installation=inst, kind="technical")) == [second]
    assert Guarantor.objects.filter(installation=inst, kind="technical").count() == 2
    assert AuditEvent.objects.filter(summary__contains="张三 卸任").exists()


def test_a_replacement_must_start_after_the_current_one_and_nothing_changes(plant, users):
    _, inst = plant
    services_baobao.assign_guarantor(users["jiuxian"], inst.pk, "technical", person("张三", since=TODAY))
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        services_baobao.assign_guarantor(users["jiuxian"], inst.pk, "technical", person("李四", since=LONG_AGO))
    assert "新的任职日期须晚于现任" in caught.value.message_dict["since"][0]
    with pytest.raises(ValidationError) as caught:
        services_baobao.assign_guarantor(users["jiuxian"], inst.pk, "principal", person("王五", phone="电话"))
    assert "联系电话" in caught.value.message_dict["phone"][0]
    assert Guarantor.objects.count() == 1 and AuditEvent.objects.count() == before


def test_the_database_holds_one_current_person_per_role(plant):
    from django.db import IntegrityError, transaction

    _, inst = plant
    g = services_baobao.assign_guarantor(SYSTEM, inst.pk, "principal", person())
    with pytest.raises(IntegrityError), transaction.atomic():
        Guarantor.objects.create(installation=inst, kind="principal", name="另一人", phone="1", since=g.since)


def test_an_installation_below_the_critical_quantities_has_no_guarantors(make_enterprise, users):
    ent = make_enterprise("旧县化工厂", industry_name="危险化学品")
    small = services.save_installation(SYSTEM, ent.pk, {"name": "小库", "kind": "storage", "people_within_500m": 0},
                                       [("液氯", "1", "")])
    with pytest.raises(ValidationError) as caught:
        services_baobao.assign_guarantor(users["jiuxian"], small.pk, "principal", person())
    assert "未构成重大危险源" in caught.value.message_dict["kind"][0]


def test_an_account_must_be_the_enterprises_own(plant, users):
    _, inst = plant
    with pytest.raises(ValidationError) as caught:
        services_baobao.assign_guarantor(users["jiuxian"], inst.pk, "principal", person(user=users["jiuxian"]))
    assert "本企业" in caught.value.message_dict["user"][0]


# --- duty records ----------------------------------------------------------------------------------

def test_the_enterprise_records_a_duty_through_the_page_with_a_photo(plant, login):
    from tests.conftest import photo

    ent, inst = plant
    g = three(inst)["technical"]
    client = login(ent.owner)
    assert client.get(reverse("duty_record_new", args=[g.pk])).status_code == 200
    response = client.post(reverse("duty_record_new", args=[g.pk]), {
        "done_on": TODAY.isoformat(), "checked": "检查液氯储罐区监测监控系统", "items": ["第五条（五）"],
        "result": "problems", "problems": "一台有毒气体探测器报警值设置错误", "photos": photo()})
    record = DutyRecord.objects.get()
    assert response.status_code == 302 and record.items == ["第五条（五）"] and record.kind == "technical"
    page = client.get(reverse("duty_record_detail", args=[record.pk])).content.decode()
    assert "探测器报警值" in page and "第五条（五）" in page
    detail = client.get(reverse("installation_detail", args=[inst.pk])).content.decode()
    assert "本期已履职" in detail and "录入履职" in detail


def test_bad_duty_records_are_refused_in_chinese_and_nothing_is_saved(plant):
    ent, inst = plant
    g = three(inst)["technical"]
    cases = [({"done_on": TODAY + dt.timedelta(days=1)}, "done_on", "不能晚于今天"),
             ({"done_on": TODAY - dt.timedelta(days=8)}, "done_on", "只能补录 7 天内"),
             ({"checked": ""}, "checked", "请填写检查内容"),
             ({"result": "problems"}, "problems", "写明发现的问题"),
             ({"problems": "阀门泄漏", "result": "normal"}, "result", "发现问题"),
             ({"items": ["第四条（一）"]}, "items", "本职责的条款")]
    for change, field, words in cases:
        with pytest.raises(ValidationError) as caught:
            services_baobao.record_duty(ent.owner, g.pk, {"done_on": TODAY, "checked": "巡查", **change})
        assert words in caught.value.message_dict[field][0], change
    assert not DutyRecord.objects.exists()


def test_only_the_enterprise_records_and_a_bound_guarantor_records_alone(plant, users, enterprise_user):
    ent, inst = plant
    g = three(inst)["operational"]
    with pytest.raises(PermissionDenied):
        services_baobao.record_duty(users["jiuxian"], g.pk, {"done_on": TODAY, "checked": "巡查"})
    colleague = enterprise_user(ent, username="huagong2")
    bound = services_baobao.assign_guarantor(SYSTEM, inst.pk, "operational",
                                             person("操作人", since=TODAY, user=ent.owner))  # same name: the account is new
    assert bound.pk != g.pk  # another account is another person
    with pytest.raises(PermissionDenied):
        services_baobao.record_duty(colleague, bound.pk, {"done_on": TODAY, "checked": "巡查"})
    assert services_baobao.record_duty(ent.owner, bound.pk, {"done_on": TODAY, "checked": "巡查"}).created_by == ent.owner
    with pytest.raises(ValidationError):  # the one replaced has left
        services_baobao.record_duty(SYSTEM, g.pk, {"done_on": TODAY, "checked": "巡查"})


def test_a_problem_found_becomes_the_enterprises_hazard_linked_both_ways(plant, login):
    ent, inst = plant
    g = three(inst)["technical"]
    record = duty(g, TODAY, problems="储罐区可燃气体探测器失效", result="problems")
    client = login(ent.owner)
    form = client.get(reverse("duty_record_detail", args=[record.pk])).content.decode()
    assert "储罐区可燃气体探测器失效" in form and "登记为隐患" in form  # prefilled from the record
    response = client.post(reverse("duty_record_hazard", args=[record.pk]), {
        "place": "液氯储罐区", "description": "储罐区可燃气体探测器失效", "category": "site", "level": "general",
        "found_by": g.name, "found_on": TODAY.isoformat()})
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.channel == "self" and hazard.enterprise == ent and list(record.hazards.all()) == [hazard]
    page = client.get(reverse("hazard_detail", args=[hazard.pk])).content.decode()
    assert reverse("duty_record_detail", args=[record.pk]) in page


# --- behind, at the periods' boundaries -----------------------------------------------------------

def standing(g, as_of):
    return next(s for s in baobao.standings([g], as_of) if s.guarantor == g)


def test_a_quarterly_role_is_behind_the_day_after_an_empty_quarter(plant):
    _, inst = plant
    g = three(inst, since=dt.date(2025, 1, 1))["technical"]
    assert baobao.frequencies()["technical"].period == "quarterly"
    # on 31 March the quarter is still open; the last one (2024 Q4) was before the person was named
    assert not standing(g, dt.date(2025, 3, 31)).behind
    assert standing(g, dt.date(2025, 4, 1)).behind  # Q1 ended with none
    duty(g, dt.date(2025, 3, 31))  # its last day counts for Q1
    assert not standing(g, dt.date(2025, 4, 1)).behind
    assert standing(g, dt.date(2025, 4, 1)).done_now == 0
    duty(g, dt.date(2025, 4, 1))  # the first day of Q2 counts for Q2, not Q1
    s = standing(g, dt.date(2025, 4, 1))
    assert (s.done_now, s.done_last) == (1, 1) and s.met_now


def test_a_weekly_role_runs_monday_to_sunday(plant):
    _, inst = plant
    g = three(inst, since=dt.date(2025, 1, 6))["operational"]  # a Monday
    assert baobao.frequencies()["operational"].period == "weekly"
    duty(g, dt.date(2025, 1, 12))  # the Sunday
    assert not standing(g, dt.date(2025, 1, 13)).behind
    assert standing(g, dt.date(2025, 1, 20)).behind  # the week of the 13th had none


def test_a_person_named_mid_period_is_not_held_to_it_but_a_successor_is(plant):
    _, inst = plant
    g = three(inst, since=dt.date(2025, 2, 10))["technical"]
    assert not standing(g, dt.date(2025, 4, 1)).behind  # named after Q1 began
    assert standing(g, dt.date(2025, 7, 1)).behind
    duty(g, dt.date(2025, 4, 5))
    successor = services_baobao.assign_guarantor(SYSTEM, inst.pk, "technical", person("新人", since=dt.date(2025, 5, 1)))
    s = standing(successor, dt.date(2025, 7, 1))
    assert not s.behind and s.done_last == 1  # the kind's quarter counts, whoever held it


def test_missed_periods_in_a_row_are_counted(plant):
    _, inst = plant
    g = three(inst, since=dt.date(2025, 1, 1))["technical"]
    assert standing(g, dt.date(2025, 7, 1)).missed_in_a_row == 2 and standing(g, dt.date(2025, 7, 1)).escalate
    duty(g, dt.date(2025, 2, 1))
    s = standing(g, dt.date(2025, 7, 1))
    assert s.behind and s.missed_in_a_row == 1 and not s.escalate


def test_behind_leaves_out_former_people_and_installations_no_longer_major(plant):
    _, inst = plant
    three(inst, since=dt.date(2025, 1, 1))
    assert {s.kind for s in baobao.behind(dt.date(2025, 7, 1))} == {"principal", "technical", "operational"}
    services.save_installation(SYSTEM, inst.enterprise_id, {"name": inst.name, "kind": "storage",
                                                            "people_within_500m": 10, "retired_on": TODAY},
                               [("液氯", "20", "")], pk=inst.pk)
    assert baobao.behind(dt.date(2025, 7, 1)) == []


# --- the tick ----------------------------------------------------------------------------------------

def test_the_tick_tells_the_enterprise_once_per_period_and_the_town_when_it_goes_on(plant, users):
    ent, inst = plant
    g = three(inst, since=dt.date(2025, 1, 1))
    for day in (dt.date(2025, 1, 6), dt.date(2025, 4, 7)):
        duty(g["principal"], day)
        duty(g["technical"], day)
    for week in range(25):  # to the week of 23 June
        duty(g["operational"], dt.date(2025, 1, 6) + dt.timedelta(weeks=week))
    # 2025-07-01: the principal and technical quarters are fine; the operator's last week (23 June) is fine
    july = timezone.make_aware(dt.datetime(2025, 7, 2, 8, 0))
    assert baobao.tick(july) == 0
    # two weeks later the operator has missed the week of 30 June and that of 7 July
    later = timezone.make_aware(dt.datetime(2025, 7, 15, 8, 0))
    assert baobao.tick(later) == 2  # the enterprise, and the town (two weeks in a row)
    assert baobao.tick(later) == 0 and baobao.tick(later + dt.timedelta(days=1)) == 0  # idempotent
    to_owner = Notification.objects.filter(user=ent.owner)
    assert to_owner.count() == 1 and "操作负责人" in to_owner.get().body and "频次依据未核实" in to_owner.get().body
    assert Notification.objects.filter(user=users["jiuxian"]).count() == 1
    assert not Notification.objects.filter(user=users["hufeng"]).exists()
    assert ClockStep.objects.filter(clock="baobao", object_id=g["operational"].pk).count() == 2
    # the next week missed again: one more message each
    assert baobao.tick(timezone.make_aware(dt.datetime(2025, 7, 22, 8, 0))) == 2


def test_the_tick_is_registered():
    from anying.core.hooks import TICK_JOBS

    assert TICK_JOBS["baobao_duty"].run is baobao.tick


# --- scope and permissions ----------------------------------------------------------------------------

def test_another_town_another_enterprise_and_other_roles_cannot_reach_them(plant, users, login, enterprise_user,
                                                                             make_enterprise):
    ent, inst = plant
    g = three(inst)["technical"]
    record = duty(g, TODAY)
    other = enterprise_user(make_enterprise("另一企业", industry_name="危险化学品"), username="qiye9")
    for user in (users["hufeng"], other):
        client = login(user)
        assert client.get(reverse("guarantor_edit", args=[inst.pk, "technical"])).status_code == 404
        assert client.get(reverse("duty_record_detail", args=[record.pk])).status_code == 404
        assert client.post(reverse("duty_record_hazard", args=[record.pk])).status_code == 404
        assert inst.name not in client.get(reverse("guarantor_list")).content.decode()
        with pytest.raises(PermissionDenied):
            services_baobao.assign_guarantor(user, inst.pk, "technical", person("外人"))
    assert login(other).get(reverse("duty_record_new", args=[g.pk])).status_code == 404
    assert login(users["jiuxian"]).get(reverse("duty_record_new", args=[g.pk])).status_code == 404  # not an enterprise
    assert login(users["leader"]).get(reverse("guarantor_edit", args=[inst.pk, "technical"])).status_code == 404
    assert login(users["leader"]).get(reverse("duty_record_detail", args=[record.pk])).status_code == 200
    assert Guarantor.objects.filter(name="外人").count() == 0


def test_the_town_sees_the_list_with_who_is_behind_and_exports_it(plant, users, login):
    _, inst = plant
    g = three(inst, since=dt.date(2025, 1, 1))
    duty(g["technical"], TODAY)
    services_baobao.assign_guarantor(SYSTEM, inst.pk, "principal", person("周建国", since=TODAY))
    client = login(users["jiuxian"])
    page = client.get(reverse("guarantor_list")).content.decode()
    assert "周建国" in page and "落后" in page and "频次依据未核实" in page
    assert inst.name in client.get(reverse("guarantor_list") + "?behind=1&kind=operational").content.decode()
    response = client.get(reverse("guarantor_list") + "?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd")


# --- the public page, the 待办, the API, the demo -------------------------------------------------------

def test_the_public_page_shows_each_installations_three_people(plant):
    ent, inst = plant
    services_baobao.assign_guarantor(SYSTEM, inst.pk, "technical", person("陈志强", phone="13908231002",
                                                                            position="设备副总"))
    page = Client().get(reverse("enterprise_public", args=[ent.public_token])).content.decode()
    assert "重大危险源包保责任人" in page and "液氯储罐区" in page
    assert "陈志强" in page and "设备副总" in page and "13908231002" in page and "未公示" in page


def test_the_public_page_of_an_enterprise_without_installations_has_no_section(make_enterprise):
    ent = make_enterprise("旧县机械厂")
    assert "包保责任人" not in Client().get(reverse("enterprise_public", args=[ent.public_token])).content.decode()


def test_the_enterprise_has_its_guarantors_duty_on_its_todo(plant, users):
    ent, inst = plant
    g = three(inst, since=TODAY)
    duty(g["principal"], TODAY)
    source = next(s for s in workqueue.SOURCES if s.key == "monitoring.baobao")
    assert workqueue.counts(ent.owner, TODAY)["monitoring.baobao"]["n"] == 2  # technical and operational
    assert "monitoring.baobao" not in workqueue.counts(users["jiuxian"], TODAY)
    rows = workqueue.rows(source, workqueue.filtered(source, ent.owner, TODAY), TODAY)
    assert {r["url"] for r in rows} == {reverse("duty_record_new", args=[g[r].pk]) for r in ("technical", "operational")}


@pytest.fixture
def api(users):
    def make(user):
        _, secret = create_token(None, user, "t")
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return make


def test_the_api_lists_guarantors_and_takes_duty_records(plant, users, api):
    ent, inst = plant
    g = three(inst)
    url = f"/api/v1/monitoring/installations/{inst.pk}/guarantors"
    body = api(users["jiuxian"]).get(url).json()
    assert {r["kind"] for r in body} == {"principal", "technical", "operational"}
    technical = next(r for r in body if r["kind"] == "technical")
    assert technical["required"] == "每季度至少1次" and technical["frequency_verified"] is True
    assert technical["done_this_period"] == 0
    assert api(users["hufeng"]).get(url).status_code == 404
    post = f"/api/v1/monitoring/guarantors/{g['technical'].pk}/duty-records"
    data = {"done_on": TODAY.isoformat(), "checked": "检查监测监控系统", "items": ["第五条（二）"]}
    response = api(ent.owner).post(post, json.dumps(data), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["result"] == "normal" and response.json()["items"] == ["第五条（二）"]
    assert api(users["jiuxian"]).post(post, json.dumps(data), content_type="application/json").status_code == 403
    bad = api(ent.owner).post(post, json.dumps({**data, "done_on": "2000-01-01"}), content_type="application/json")
    assert bad.status_code == 422 and "履职日期" in bad.json()["detail"][0]["msg"]
    assert DutyRecord.objects.count() == 1


def test_the_demo_names_three_people_and_one_is_behind(db):
    import random

    from anying.core.hooks import DEMO_LOADERS

    rng = random.Random(2022)
    for loader in sorted(DEMO_LOADERS.values(), key=lambda d: d.order):
        if loader.order <= 88:
            loader.load(rng)
    DEMO_LOADERS["monitoring_baobao"].load(rng)  # again: nothing more
    assert Guarantor.objects.count() == 6 and DutyRecord.objects.exists()
    late = baobao.behind(TODAY)
    assert [(s.kind, s.guarantor.installation.name) for s in late] == [("operational", "液化石油气储罐")]
    assert late[0].missed_in_a_row == 2
