"""Demand plans (A8.7), maintenance (A8.8) and household-kit publicity (A8.10): who may write and
review them, the comparison with stock, due upkeep in 待办, and refusals that change nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Organisation, Region
from anying.core.permissions import SYSTEM
from anying.supplies import planning
from anying.supplies.models import Warehouse
from anying.supplies.models_planning import DemandPlan, Maintenance, Publicity
from anying.supplies.services import save_warehouse

from .conftest import days

YEAR = days(0).year + 1


def plan_of(users, catalogue, unit="旧县街道应急办", user="jiuxian", lines=None):
    owner = Organisation.objects.get(name=unit)
    lines = lines if lines is not None else [{"item": catalogue["FH-001"], "quantity": 800, "purpose": "堤段"},
                      {"item": catalogue["FH-003"], "quantity": 50}]
    return planning.save_plan(users[user], DemandPlan(owner=owner, year=YEAR, title="旧县街道需求计划"), lines)


def test_a_plan_is_drafted_submitted_returned_and_accepted(stores, users, catalogue):
    plan = plan_of(users, catalogue)
    assert plan.status == "draft" and plan.lines.count() == 2
    with pytest.raises(DemandPlan.DoesNotExist):  # another town does not even see it
        planning.act(users["hufeng"], plan.pk, "submit")
    plan = planning.act(users["jiuxian"], plan.pk, "submit")
    assert plan.status == "submitted" and plan.submitted_by == users["jiuxian"]
    with pytest.raises(ValidationError, match="不能修改"):  # submitted: no edits
        planning.save_plan(users["jiuxian"], plan, [{"item": catalogue["FH-001"], "quantity": 1}])
    with pytest.raises(PermissionDenied):  # the town does not review its own plan
        planning.act(users["jiuxian"], plan.pk, "accept")
    with pytest.raises(ValidationError, match="退回理由"):
        planning.act(users["leader"], plan.pk, "return")
    plan = planning.act(users["leader"], plan.pk, "return", comment="编织袋数量偏少")
    assert plan.status == "returned"
    plan = planning.save_plan(users["jiuxian"], plan, [{"item": catalogue["FH-001"], "quantity": 1200}])
    assert [(li.item.code, li.quantity) for li in plan.lines.select_related("item")] == [("FH-001", 1200)]
    planning.act(users["jiuxian"], plan.pk, "submit")
    plan = planning.act(users["leader"], plan.pk, "accept")
    assert plan.status == "accepted" and plan.reviewed_by == users["leader"]
    assert AuditEvent.objects.filter(object_id=str(plan.pk), summary__contains="需求计划").count() >= 2


def test_bad_plans_are_refused_with_nothing_saved(stores, users, catalogue):
    bad = [
        ([{"item": catalogue["FH-001"], "quantity": 0}], "需求数量应大于 0"),
        ([{"item": catalogue["FH-001"], "quantity": 5}, {"item": catalogue["FH-001"], "quantity": 1}], "重复"),
        ([], "请至少填写一种物资"),
    ]
    for lines, message in bad:
        with pytest.raises(ValidationError, match=message):
            plan_of(users, catalogue, lines=lines)
    assert not DemandPlan.objects.exists()
    with pytest.raises(PermissionDenied, match="只能为本单位"):
        plan_of(users, catalogue, unit="虎峰镇应急办")
    plan_of(users, catalogue)
    with pytest.raises(ValidationError, match="已存在"):
        plan_of(users, catalogue)
    with pytest.raises(PermissionDenied):  # the duty desk reads stock, it keeps no plans
        plan_of(users, catalogue, unit="区应急局", user="duty")


def test_the_comparison_counts_own_stock_by_mode(stores, users, catalogue, receive, town):
    receive(SYSTEM, stores["jiuxian"], catalogue["FH-001"], 500)
    office = Organisation.objects.get(name="旧县街道应急办")
    held = save_warehouse(None, Warehouse(name="旧县协议库", owner=office, level=Warehouse.Level.TOWN,
                                          mode=Warehouse.Mode.AGREEMENT, supplier="某超市"),
                          place={"region": town("旧县街道"), "latitude": Decimal("29.8"), "longitude": Decimal("106.1")})
    receive(SYSTEM, held, catalogue["FH-001"], 100)
    receive(SYSTEM, stores["district"], catalogue["FH-001"], 10000)  # the district's, shared for dispatch
    plan = plan_of(users, catalogue)
    rows = {r.item.code: r for r in planning.compare(users["jiuxian"], plan)}
    flood = rows["FH-001"]
    assert flood.own == {"physical": Decimal("500.000"), "agreement": Decimal("100.000")}
    assert flood.own_total == 600 and flood.gap == 200 and flood.rate == 75
    assert flood.visible_total == 10600  # what the town may call on, its own included
    assert rows["FH-003"].gap == 50 and rows["FH-003"].rate == 0
    planning.act(users["jiuxian"], plan.pk, "submit")
    summary = {r["item"].code: r for r in planning.district_summary(users["leader"], YEAR)}
    assert summary["FH-001"]["need"] == 800 and summary["FH-001"]["units"] == 1 and summary["FH-001"]["gap"] == 0
    assert summary["FH-003"]["gap"] == 50
    assert planning.district_summary(users["hufeng"], YEAR) == []  # another town sees no other town's plan


def test_maintenance_is_kept_by_the_keeper_and_falls_due(stores, users, catalogue):
    record = planning.save_maintenance(users["jiuxian"], Maintenance(
        warehouse=stores["jiuxian"], done_on=days(-10), kind=Maintenance.Kind.PRESEASON, items="冲锋舟 1 艘",
        content="汛前检查", done_by="刘旧县", next_due=days(5)))
    assert list(planning.maintenance_due(users["jiuxian"])) == [record]
    assert list(planning.maintenance_due(users["hufeng"])) == []
    planning.save_maintenance(users["jiuxian"], Maintenance(
        warehouse=stores["jiuxian"], done_on=days(0), kind=Maintenance.Kind.PRESEASON, items="冲锋舟 1 艘",
        content="再次检查", done_by="刘旧县"))
    assert list(planning.maintenance_due(users["jiuxian"])) == []  # done again: no longer due
    count = Maintenance.objects.count()
    refusals = [
        (users["hufeng"], stores["jiuxian"], {"done_on": days(-1)}, PermissionDenied),
        (users["jiuxian"], stores["district"], {"done_on": days(-1)}, PermissionDenied),  # sees, does not keep
        (users["jiuxian"], stores["jiuxian"], {"done_on": days(1)}, ValidationError),
        (users["jiuxian"], stores["jiuxian"], {"done_on": days(-1), "next_due": days(-2)}, ValidationError),
    ]
    for actor, wh, dates, error in refusals:
        with pytest.raises(error):
            planning.save_maintenance(actor, Maintenance(warehouse=wh, kind=Maintenance.Kind.ROUTINE, items="x",
                                                         content="x", done_by="x", **dates))
    assert Maintenance.objects.count() == count


def test_publicity_is_recorded_in_the_towns_own_territory(stores, users, town):
    village = Region.objects.filter(parent=town("旧县街道")).first() or town("旧县街道")
    p = planning.save_publicity(users["jiuxian"], Publicity(region=village, held_on=days(-3), form=Publicity.Form.TALK,
                                                            title="进社区宣讲", households=120, kits=80))
    assert p.owner.name == "旧县街道应急办"
    with pytest.raises(ValidationError, match="不在您管理的区划范围内"):
        planning.save_publicity(users["jiuxian"], Publicity(region=town("虎峰镇"), held_on=days(-3),
                                                            form=Publicity.Form.TALK, title="越界", households=1))
    with pytest.raises(PermissionDenied):
        p.title = "改名"
        planning.save_publicity(users["hufeng"], p)
    rows = planning.publicity_by_town(users["leader"], days(-3).year)
    assert [(r["town"].name, r["events"], r["households"], r["kits"]) for r in rows] == [("旧县街道", 1, 120, 80)]
    assert planning.publicity_by_town(users["hufeng"], days(-3).year) == []


def test_the_pages(stores, users, login, catalogue):
    town = login(users["jiuxian"])
    body = town.post(reverse("supplies:demand_new"), {"year": YEAR, "title": "旧县街道计划", "basis": "", "rows": 3,
                                                      "item_1": catalogue["FH-001"].pk, "quantity_1": "300",
                                                      "item_2": catalogue["FH-003"].pk, "quantity_2": "0"})
    assert body.status_code == 200 and "需求数量应大于 0" in body.content.decode()
    assert not DemandPlan.objects.exists()
    done = town.post(reverse("supplies:demand_new"), {"year": YEAR, "title": "旧县街道计划", "basis": "", "rows": 2,
                                                      "item_1": catalogue["FH-001"].pk, "quantity_1": "300"})
    plan = DemandPlan.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("supplies:demand_detail", args=[plan.pk])
    page = town.get(done["Location"]).content.decode()
    assert "需求与库存对比" in page and "报送" in page and "1 种有缺口" in page
    town.post(reverse("supplies:demand_act", args=[plan.pk]), {"step": "submit", "version": plan.version})
    assert DemandPlan.objects.get().status == "submitted"
    leader = login(users["leader"])
    assert f"旧县街道应急办{YEAR}年物资储备需求计划" in leader.get(reverse("todo")).content.decode()
    assert "编织袋" in leader.get(reverse("supplies:demand_summary") + f"?year={YEAR}").content.decode()
    assert login(users["hufeng"]).get(reverse("supplies:demand_detail", args=[plan.pk])).status_code == 404
    form = town.get(reverse("supplies:maintenance_new", args=[stores["jiuxian"].pk]))
    assert form.status_code == 200
    assert town.get(reverse("supplies:maintenance_new", args=[stores["district"].pk])).status_code == 403
    saved = town.post(reverse("supplies:maintenance_new", args=[stores["jiuxian"].pk]), {
        "done_on": days(0).isoformat(), "kind": "routine", "items": "抽水泵", "content": "试机", "result": "good",
        "done_by": "刘旧县"})
    assert saved.status_code == 302 and Maintenance.objects.count() == 1
    assert "抽水泵" in town.get(reverse("supplies:warehouse_detail", args=[stores["jiuxian"].pk])).content.decode()
    assert "抽水泵" in town.get(reverse("supplies:maintenance_list")).content.decode()
    assert town.get(reverse("supplies:publicity_list")).status_code == 200
    for name in ("supplies:demand_list", "supplies:maintenance_list", "supplies:publicity_list"):
        assert town.get(reverse(name) + "?format=xlsx").status_code == 200


def test_a_unit_does_not_review_its_own_plan(stores, users, catalogue):
    from anying.core.roles import Role
    from anying.core.services import create_user

    plan = plan_of(users, catalogue)
    planning.act(users["jiuxian"], plan.pk, "submit")
    town_leader = create_user(None, username="jx_leader", password="Passw0rd!x", role=Role.LEADER,
                              unit=Organisation.objects.get(name="旧县街道应急办"), display_name="旧县分管")
    with pytest.raises(PermissionDenied):
        planning.act(town_leader, plan.pk, "accept")
    assert planning.act(users["leader"], plan.pk, "accept").status == "accepted"


def test_a_stale_plan_edit_is_refused(stores, users, login, catalogue):
    plan = plan_of(users, catalogue)
    stale = plan.version
    planning.save_plan(users["jiuxian"], DemandPlan.objects.get(pk=plan.pk), [{"item": catalogue["FH-001"], "quantity": 5}])
    body = login(users["jiuxian"]).post(reverse("supplies:demand_edit", args=[plan.pk]), {
        "year": YEAR, "title": "改名", "basis": "", "version": stale, "rows": 1, "item_1": catalogue["FH-001"].pk,
        "quantity_1": "9"}).content.decode()
    assert "已被他人修改" in body and DemandPlan.objects.get().title != "改名"
