"""年度执法计划: frequency rules from data, due dates from the last inspection, even months,
editing a draft, approval, progress, scope."""

import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from anying.core.errors import PermissionDenied
from anying.core.models import Organisation
from anying.inspections import plans
from anying.inspections.models import FrequencyRule, Inspection, InspectionPlan
from anying.registry.models import Enterprise

YEAR = 2026


@pytest.fixture
def bureau(district):
    return Organisation.objects.get(name="区应急局")


@pytest.fixture
def town_office(district):
    return Organisation.objects.get(name="旧县街道应急办")


def inspect(enterprise, unit, day):
    return Inspection.objects.create(enterprise=enterprise, region_id=enterprise.region_id,
                                     industry_id=enterprise.industry_id, organisation_id=enterprise.organisation_id,
                                     unit=unit, inspected_on=day)


def certified(make_enterprise, name, grade, **extra):
    return make_enterprise(name, std_grade=grade, std_status=Enterprise.StdStatus.CERTIFIED,
                           std_certificate_date=dt.date(2025, 1, 1), **extra)


def test_the_rules_are_data_with_their_source(db):
    rules = {r.code: r for r in FrequencyRule.objects.all()}
    assert (rules["grade1"].months, rules["grade2"].months, rules["grade3"].months) == (36, 24, 12)
    assert rules["ungraded"].months == 12 and rules["risk_tagged"].months == 12
    assert all(r.source for r in rules.values()) and "三年覆盖" in rules["grade1"].source


@pytest.mark.parametrize("grade, certified_, tagged, months", [
    ("1", True, False, 36), ("2", True, False, 24), ("3", True, False, 12),
    ("1", False, False, 12),  # an expired or pending certificate counts as ungraded
    ("", False, False, 12),
    ("1", True, True, 12),  # a risk tag is yearly whatever the grade
])
def test_the_shortest_applicable_interval_wins(db, grade, certified_, tagged, months):
    rules = list(FrequencyRule.objects.order_by("months", "code"))
    assert plans.rule_for(rules, grade, certified_, tagged).months == months


def test_due_from_the_last_inspection(make_enterprise, town_office):
    fresh = certified(make_enterprise, "一级新查", "1")
    old = certified(make_enterprise, "一级旧查", "1")
    second = certified(make_enterprise, "二级", "2")
    never = make_enterprise("从未检查")
    inspect(fresh, town_office, dt.date(2025, 3, 10))  # next due 2028: not this year
    inspect(old, town_office, dt.date(2023, 6, 15))  # + 36 months = 2026-06
    inspect(second, town_office, dt.date(2024, 9, 1))  # + 24 months = 2026-09
    dues = {d.enterprise_id: d for d in plans.due_enterprises(town_office, YEAR)}
    assert fresh.pk not in dues
    assert dues[old.pk].earliest_month == 6 and dues[old.pk].last == dt.date(2023, 6, 15)
    assert dues[second.pk].earliest_month == 9
    assert dues[never.pk].earliest_month == 1 and dues[never.pk].last is None


def test_months_are_even_and_never_before_due():
    rng = random.Random(3)
    dues = [plans.Due(i, 1, 1, None, rng.choice([1, 1, 1, 4, 7, 10])) for i in range(1, 601)]
    months = plans.spread(dues)
    load = [list(months.values()).count(m) for m in range(1, 13)]
    assert sum(load) == 600 and max(load) - min(load) <= 1
    assert all(months[d.enterprise_id] >= d.earliest_month for d in dues)
    late = [plans.Due(i, 1, 1, None, 12) for i in range(1, 4)]
    assert set(plans.spread(late).values()) == {12}  # due in December: nothing earlier is allowed


def test_generate_edit_approve(make_enterprise, users, bureau):
    ents = [make_enterprise(f"企业{i}", "旧县街道", "机械") for i in range(5)]
    yingji = users["yingji"]  # 区应急局 supervises 工贸 (机械 included)
    plan = plans.generate(yingji, bureau, YEAR)
    assert plan.items.count() == 5
    plans.move(yingji, plan.pk, ents[0].pk, 12)
    plans.remove(yingji, plan.pk, ents[1].pk)
    plans.add(yingji, plan.pk, ents[1].pk, 3)
    again = plans.generate(yingji, bureau, YEAR)  # regenerating keeps what was added by hand
    assert again.pk == plan.pk and again.items.get(enterprise=ents[1]).added_by_hand
    with pytest.raises(PermissionDenied):
        plans.approve(yingji, plan.pk)  # inspectors draft, leaders approve
    plans.approve(users["leader"], plan.pk)
    with pytest.raises(ValidationError, match="已批准"):
        plans.move(yingji, plan.pk, ents[0].pk, 5)
    with pytest.raises(ValidationError, match="已批准"):
        plans.generate(yingji, bureau, YEAR)


def test_a_unit_plans_only_for_itself_and_its_scope(make_enterprise, users, bureau, industry):
    with pytest.raises(PermissionDenied):
        plans.generate(users["jiuxian"], bureau, YEAR)
    with pytest.raises(PermissionDenied):
        plans.generate(users["leader"], bureau, YEAR)  # no right to plan
    builder = make_enterprise("建筑公司", "旧县街道", "建设施工")
    plan = plans.generate(users["yingji"], bureau, YEAR)
    assert not plan.items.filter(enterprise=builder).exists()  # 区应急局 does not supervise 建设施工
    with pytest.raises(ValidationError, match="监管范围"):
        plans.add(users["yingji"], plan.pk, builder.pk, 5)


def test_progress_counts_this_years_inspections_by_the_unit(make_enterprise, users, bureau, town_office):
    a, b = make_enterprise("甲", "旧县街道", "机械"), make_enterprise("乙", "旧县街道", "机械")
    plan = plans.generate(users["yingji"], bureau, YEAR)
    inspect(a, bureau, dt.date(YEAR, 2, 3))
    inspect(b, town_office, dt.date(YEAR, 2, 3))  # another unit's inspection does not count
    rows = plans.progress(plan)
    assert sum(r["planned"] for r in rows) == 2 and sum(r["done"] for r in rows) == 1


def test_plan_pages_and_scope(make_enterprise, users, login, bureau):
    make_enterprise("甲", "旧县街道", "机械")
    client = login(users["yingji"])
    response = client.post(reverse("plan_generate"), {"year": YEAR})
    plan = InspectionPlan.objects.get()
    assert response["Location"] == reverse("plan_detail", args=[plan.pk])
    body = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert "甲" in body and "调整" in body and "plan-rows" in body
    assert login(users["hufeng"]).get(reverse("plan_detail", args=[plan.pk])).status_code == 404  # a town below
    leader = login(users["leader"])
    assert "批准计划" in leader.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    leader.post(reverse("plan_approve", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == "approved"


def test_plan_actions_on_unknown_enterprises_answer_404(make_enterprise, users, login, bureau):
    make_enterprise("甲", "旧县街道", "机械")
    plan = plans.generate(users["yingji"], bureau, YEAR)
    client = login(users["yingji"])
    assert client.post(reverse("plan_move", args=[plan.pk, 999999]), {"month": 3}).status_code == 404
    assert client.post(reverse("plan_remove", args=[plan.pk, 999999])).status_code == 404


def test_a_department_sees_only_its_industries_items_of_another_units_plan(make_enterprise, users, login, bureau):
    """Review finding: 区经信委 (机械, 轻工) saw every item of 区应急局's plan, page and API."""
    from anying.core.services import create_token

    make_enterprise("甲机械", "旧县街道", "机械")
    make_enterprise("乙化工", "虎峰镇", "危险化学品")
    plan = plans.generate(users["yingji"], bureau, YEAR)
    assert plan.items.count() == 2
    body = login(users["jingxin"]).get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert "甲机械" in body and "乙化工" not in body
    _, secret = create_token(None, users["jingxin"], "t")
    from django.test import Client

    items = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(f"/api/v1/inspections/plans/{plan.pk}/items").json()
    assert [i["enterprise"] for i in items["items"]] == ["甲机械"] and items["count"] == 1
    assert sum(r["planned"] for r in plans.progress(plan, plans.visible_items(users["jingxin"], plan))) == 1
    listed = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/inspections/plans").json()["items"]
    assert [p["items"] for p in listed] == [1]


def test_a_user_of_a_deactivated_unit_sees_no_plan(make_enterprise, users, login, bureau):
    """Review finding: 404 on an enterprise but 200 on the unit's annual plan."""
    make_enterprise("甲机械", "旧县街道", "机械")
    plan = plans.generate(users["yingji"], bureau, YEAR)
    client = login(users["yingji"])
    assert client.get(reverse("plan_detail", args=[plan.pk])).status_code == 200
    Organisation.objects.filter(pk=bureau.pk).update(is_active=False)
    assert client.get(reverse("plan_detail", args=[plan.pk])).status_code == 404
    assert not plans.visible_plans(type(users["yingji"]).objects.get(username="yingji")).exists()
