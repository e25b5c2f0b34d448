"""The house ledger: recording and its checks, the lifecycle by party, the site check at the
distance boundary, the subsidy by level and by the standard in force, masking, scope, counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM
from anying.core.workflow import StaleVersion
from anying.houses import services, standards
from anying.houses.models import Household

from .conftest import jpeg

pytestmark = pytest.mark.django_db
S = Household.Status


def _through(house, actor_for, until):
    """Take the house along the lifecycle with the right actor for each step."""
    steps = [("submit_plan", "village", {}), ("approve_plan", "town", {}), ("start", "village", {"files": [jpeg()]}),
             ("main_done", "village", {"files": [jpeg()]}), ("complete", "village", {"files": [jpeg()]}),
             ("accept", "town", {"files": [jpeg()]}),
             ("pay", "district", {"data": {"account": "6217000012345678", "bank": "重庆农商行铜梁支行"}})]
    for name, who, kwargs in steps:
        house = services.run(actor_for[who], house.pk, name, **kwargs)
        if name == until:
            break
    return house


@pytest.fixture
def actors(users, officer):
    return {"village": officer, "town": users["jiuxian"], "district": users["admin"]}


def test_village_officer_records_with_photo_and_audit(make_house, officer):
    house = make_house()
    assert house.status == S.ASSESSED and house.town.name == "旧县街道" and house.village.name == "玉泉村"
    assert house.subsidy == Decimal("15000.00")  # 3 rooms × 5000
    event = AuditEvent.objects.filter(object_id=house.pk, action="create", summary__contains="倒损住房").get()
    assert house.id_number not in str(event.after) and house.id_masked in str(event.after)


def test_bad_input_refused_in_chinese_nothing_saved(house_data, officer):
    with pytest.raises(ValidationError) as exc:
        services.save_household(officer, house_data(id_number="500151198001011234", rooms=2, rooms_collapsed=3,
                                                    assessed_on=timezone.localdate() + dt.timedelta(days=1)))
    errors = exc.value.message_dict
    assert "身份证号不正确" in errors["id_number"][0] and "日期" in errors["assessed_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.save_household(officer, house_data(rooms_collapsed=0, rooms_severe=0, rooms_general=0))
    assert "至少一间" in exc.value.message_dict["rooms_collapsed"][0]
    assert not Household.objects.exists()


def test_village_officer_only_in_own_village(house_data, villages):
    other = villages["龙洞湾村"][2]
    with pytest.raises(ValidationError) as exc:
        services.save_household(other, house_data("玉泉村"))
    assert "不在您管理的区划范围内" in exc.value.message_dict["village"][0]


def test_town_outside_the_event_refused(house_data, villages, event, town):
    event.towns.set([town("虎峰镇")])
    with pytest.raises(ValidationError) as exc:
        services.save_household(SYSTEM, house_data("玉泉村"))
    assert "不在" in exc.value.message_dict["village"][0]


def test_lifecycle_each_step_by_its_party(make_house, plan, actors, users):
    house = make_house()
    plan(actors["village"], house)
    with pytest.raises(PermissionDenied):
        services.run(actors["town"], house.pk, "pay")
    house = services.run(actors["village"], house.pk, "submit_plan")
    assert house.status == S.PLANNED and house.plan_submitted_by == actors["village"]
    for who in ("village", "district"):
        with pytest.raises(PermissionDenied):
            services.run(actors[who], house.pk, "approve_plan")
    house = services.run(actors["town"], house.pk, "approve_plan")
    with pytest.raises(ValidationError) as exc:
        services.run(actors["village"], house.pk, "start")
    assert "开工照片" in exc.value.message_dict["evidence"][0]
    house = services.run(actors["village"], house.pk, "start", files=[jpeg()])
    with pytest.raises(ValidationError):
        services.run(actors["village"], house.pk, "complete", files=[jpeg()])  # 主体完工 first
    house = services.run(actors["village"], house.pk, "main_done", files=[jpeg()])
    assert house.status == S.BUILDING and house.main_done_on
    house = services.run(actors["village"], house.pk, "complete", files=[jpeg()])
    with pytest.raises(PermissionDenied):
        services.run(actors["village"], house.pk, "accept", files=[jpeg()])
    house = services.run(actors["town"], house.pk, "accept", files=[jpeg()])
    assert house.status == S.ACCEPTED and house.subsidy == Decimal("15000.00")
    with pytest.raises(PermissionDenied):
        services.run(actors["town"], house.pk, "pay", data={"account": "6217000012345678", "bank": "农商行"})
    with pytest.raises(ValidationError) as exc:
        services.run(actors["district"], house.pk, "pay", data={"account": "12ab", "bank": ""})
    assert set(exc.value.message_dict) == {"account", "bank"}
    house = services.run(actors["district"], house.pk, "pay", data={"account": "6217000012345678", "bank": "农商行"})
    assert house.status == S.PAID and house.paid_amount == Decimal("15000.00") and house.paid_by == actors["district"]
    paid = AuditEvent.objects.filter(object_id=house.pk, action="state").order_by("-id").first()
    assert "5678" in paid.summary and "6217000012345678" not in str(paid.after) + paid.summary
    with pytest.raises(PermissionDenied):  # the district does not record
        services.save_household(actors["district"], {})


def test_returned_plan_and_failed_acceptance(make_house, plan, actors):
    house = make_house()
    plan(actors["village"], house)
    services.run(actors["village"], house.pk, "submit_plan")
    with pytest.raises(ValidationError):
        services.run(actors["town"], house.pk, "return_plan")  # needs a reason
    house = services.run(actors["town"], house.pk, "return_plan", comment="新址离河道太近，请另选")
    assert house.status == S.ASSESSED
    house = _through(house, actors, "complete")
    house = services.run(actors["town"], house.pk, "reject", comment="屋面未完工")
    assert house.status == S.BUILDING


def test_stale_version_refused(make_house, plan, actors):
    house = make_house()
    plan(actors["village"], house)
    shown = Household.objects.get(pk=house.pk).version
    services.run(actors["village"], house.pk, "submit_plan", version=shown)
    with pytest.raises(StaleVersion):
        services.run(actors["town"], house.pk, "approve_plan", version=shown)


def test_submit_needs_plan_and_photo(house_data, officer, plan):
    house = services.save_household(officer, house_data())  # no photo
    with pytest.raises(ValidationError) as exc:
        services.run(officer, house.pk, "submit_plan")
    assert "方案" in str(exc.value)
    plan(officer, house)
    with pytest.raises(ValidationError) as exc:
        services.run(officer, house.pk, "submit_plan")
    assert "评估照片" in exc.value.message_dict["evidence"][0]


# ----- the site check -----

@pytest.mark.parametrize("metres, refused", [(99.0, True), (100.0, True), (101.0, False)])
def test_site_check_at_the_distance(make_house, plan, officer, risk_point, metres, refused):
    point = risk_point("geological", name="龙井村4组滑坡")
    house = make_house()
    version = Household.objects.get(pk=house.pk).version
    if refused:
        with pytest.raises(ValidationError) as exc:
            plan(officer, house, metres=metres)
        message = exc.value.message_dict["latitude"][0]
        assert "不足 100 米" in message and point.name in message and "地质灾害隐患点" in message
        again = Household.objects.get(pk=house.pk)
        assert again.mode == "" and again.version == version and again.site_lat is None
    else:
        house = plan(officer, house, metres=metres)
        assert house.mode == "relocate" and house.site_nearby == []


def test_site_check_kinds_and_closed_points(make_house, plan, officer, risk_point):
    risk_point("key_place")  # a care home is not a hazard
    risk_point("geological", status="closed")  # 已销号
    house = plan(officer, make_house(), metres=20)
    assert house.site_nearby == []
    for kind in ("flood", "flash_flood", "waterlogging"):
        risk_point(kind)
    with pytest.raises(ValidationError) as exc:
        plan(officer, make_house(), metres=20)
    message = exc.value.message_dict["latitude"][0]
    assert "防洪风险点" in message and "山洪危险区" in message and "城镇易涝点" in message


def test_site_check_sees_points_of_another_town(make_house, plan, officer, risk_point):
    risk_point("geological", town_name="虎峰镇")
    with pytest.raises(ValidationError):
        plan(officer, make_house(), metres=50)


def test_override_only_by_the_town_with_a_reason(make_house, plan, officer, users, risk_point):
    risk_point("geological", name="玉泉村后山滑坡")
    house = make_house()
    with pytest.raises(ValidationError) as exc:
        plan(officer, house, metres=30, override="已经治理完毕，经专家评估稳定，可以建房")
    assert "镇街审批人员" in exc.value.message_dict["site_override"][0]
    with pytest.raises(ValidationError) as exc:
        plan(users["jiuxian"], house, metres=30, override="已治理")
    assert "不少于10个字" in exc.value.message_dict["site_override"][0]
    house = plan(users["jiuxian"], house, metres=30, override="该滑坡已完成抗滑桩治理并经区规划自然资源局评估稳定")
    assert house.site_override_by == users["jiuxian"] and house.site_nearby[0]["name"] == "玉泉村后山滑坡"
    assert 29 <= house.site_nearby[0]["metres"] <= 31


def test_site_distance_follows_the_district_standard(make_house, plan, officer, users, risk_point, district):
    risk_point("geological")
    services.save_standard(users["admin"], district, {
        "effective_from": timezone.localdate() - dt.timedelta(days=60), "rebuild_per_room": 5000,
        "rebuild_flat_from": 4, "rebuild_flat_amount": 20000, "repair_per_room": 1000, "repair_max": 6000,
        "hardship_extra": 0, "site_distance_m": 200, "source": "铜梁区测试文件"})
    with pytest.raises(ValidationError) as exc:
        plan(officer, make_house(), metres=150)
    assert "不足 200 米" in exc.value.message_dict["latitude"][0]


# ----- the subsidy -----

@pytest.mark.parametrize("collapsed, severe, general, situation, expected", [
    (2, 1, 0, "general", "15000.00"),     # 3 rooms × 5000
    (4, 0, 0, "general", "20000.00"),     # 4间及以上 per household
    (3, 3, 0, "general", "20000.00"),
    (0, 0, 3, "general", "3000.00"),      # repair 3 × 1000
    (0, 0, 8, "general", "6000.00"),      # capped at 6000 a household
    (1, 0, 2, "dibao", "7000.00"),        # 5000 + 2000; the default supplement is 0
])
def test_subsidy_by_level(make_house, collapsed, severe, general, situation, expected):
    house = make_house(rooms=10, rooms_collapsed=collapsed, rooms_severe=severe, rooms_general=general,
                       situation=situation)
    assert house.subsidy == Decimal(expected)


def test_not_the_only_home_gets_nothing(make_house):
    assert make_house(only_home=False).subsidy == Decimal("0.00")


def test_subsidy_by_the_standard_in_force_on_the_assessment_date(make_house, users, district, actors, plan):
    today = timezone.localdate()
    services.save_standard(users["admin"], district, {
        "effective_from": today - dt.timedelta(days=20), "rebuild_per_room": 6000, "rebuild_flat_from": 4,
        "rebuild_flat_amount": 25000, "repair_per_room": 1000, "repair_max": 6000, "hardship_extra": 4000,
        "site_distance_m": 100, "source": "参照沙坪坝区住房恢复重建指导标准"})
    before = make_house(assessed_on=today - dt.timedelta(days=21), situation="dibao")
    on_day = make_house(assessed_on=today - dt.timedelta(days=20), situation="dibao")
    assert before.subsidy == Decimal("15000.00")  # the default: 3 × 5000, no supplement
    assert on_day.subsidy == Decimal("22000.00")  # 3 × 6000 + 4000
    assert standards.in_force(before.village, before.assessed_on).region_id is None
    # a later version does not change a household assessed before it: the amount at 验收 is the same
    services.save_standard(users["admin"], district, {
        "effective_from": today, "rebuild_per_room": 8000, "repair_per_room": 1000, "site_distance_m": 100,
        "source": "新文件"})
    plan(actors["village"], on_day)
    house = _through(on_day, actors, "accept")
    assert house.subsidy == Decimal("22000.00")


def test_standard_is_the_district_admins_and_never_edited_in_place(users, district, town):
    data = {"effective_from": timezone.localdate(), "rebuild_per_room": 6000, "repair_per_room": 1000,
            "site_distance_m": 100, "source": "区文件"}
    with pytest.raises(PermissionDenied):
        services.save_standard(users["jiuxian"], district, data)
    with pytest.raises(ValidationError):
        services.save_standard(users["admin"], town("旧县街道"), data)
    services.save_standard(users["admin"], district, data)
    with pytest.raises(ValidationError) as exc:
        services.save_standard(users["admin"], district, data)
    assert "不在原版本上修改" in exc.value.message_dict["effective_from"][0]
    with pytest.raises(ValidationError) as exc:
        services.save_standard(users["admin"], district, {**data, "effective_from": timezone.localdate() + dt.timedelta(1),
                                                          "rebuild_flat_from": 4, "source": ""})
    assert {"rebuild_flat_amount", "source"} <= set(exc.value.message_dict)
    assert AuditEvent.objects.filter(summary__contains="倒损住房补助标准").count() == 1


def test_default_standard_cites_its_sources():
    from anying.houses.models import Standard

    row = Standard.objects.get(region=None)
    assert row.rebuild_per_room == 5000 and row.rebuild_flat_amount == 20000 and row.site_distance_m == 100
    assert "cqqj.gov.cn" in row.sources["rebuild_per_room"]
    assert set(row.unverified) >= {"repair_per_room", "repair_max", "site_distance_m"}


# ----- scope and counts -----

def test_another_town_and_another_village_see_nothing(make_house, users, villages):
    house = make_house()
    assert not Household.objects.visible_to(users["hufeng"]).exists()
    assert not Household.objects.visible_to(villages["龙洞湾村"][2]).exists()
    assert Household.objects.visible_to(users["jiuxian"]).filter(pk=house.pk).exists()
    assert Household.objects.visible_to(users["leader"]).filter(pk=house.pk).exists()
    with pytest.raises(Household.DoesNotExist):
        services.run(users["hufeng"], house.pk, "approve_plan")


def test_counts_per_event_and_town(make_house, event, town):
    make_house(rooms_collapsed=2, rooms_severe=1, rooms_general=0)
    make_house(rooms_collapsed=0, rooms_severe=0, rooms_general=2)
    make_house("太平村", rooms_collapsed=4, rooms_severe=0, rooms_general=0)
    assert services.counts(event) == {"houses_collapsed": 6, "houses_severe": 1, "houses_general": 2}
    assert services.counts(event, town("旧县街道")) == {"houses_collapsed": 2, "houses_severe": 1, "houses_general": 2}
    assert services.counts(event.pk, town("虎峰镇").pk)["houses_collapsed"] == 4
