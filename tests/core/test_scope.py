"""The one scope rule (PRODUCT.md §1; journey J8)."""

import pytest

from anying.core.models import User
from anying.registry.models import Enterprise


@pytest.fixture
def spread(make_enterprise):
    return {
        "jiuxian_jixie": make_enterprise("旧县机械厂", "旧县街道", "机械"),
        "jiuxian_weihua": make_enterprise("旧县化工厂", "旧县街道", "危险化学品"),
        "hufeng_qinggong": make_enterprise("虎峰食品厂", "虎峰镇", "轻工"),
        "hufeng_jianshe": make_enterprise("虎峰建筑公司", "虎峰镇", "建设施工"),
        "gaoxin_yejin": make_enterprise("高新冶金厂", "高新区", "冶金"),
    }


def visible(user):
    return set(Enterprise.objects.visible_to(user).values_list("name", flat=True))


def test_district_admin_and_leader_see_the_whole_district(users, spread):
    every = {e.name for e in spread.values()}
    assert visible(users["admin"]) == every
    assert visible(users["leader"]) == every


def test_town_inspector_sees_only_their_town(users, spread):
    assert visible(users["jiuxian"]) == {"旧县机械厂", "旧县化工厂"}
    assert visible(users["hufeng"]) == {"虎峰食品厂", "虎峰建筑公司"}


def test_department_sees_its_industries_in_every_town(users, spread):
    # 区经信委 supervises 机械 and 轻工 (J8)
    assert visible(users["jingxin"]) == {"旧县机械厂", "虎峰食品厂"}
    # 区应急局 supervises 工贸 (and so its sub-industries 冶金, 机械, 轻工 …) and 危险化学品
    assert visible(users["yingji"]) == {"旧县机械厂", "旧县化工厂", "虎峰食品厂", "高新冶金厂"}


def test_enterprise_user_sees_only_own_enterprise(spread, enterprise_user):
    user = enterprise_user(spread["hufeng_qinggong"])
    assert visible(user) == {"虎峰食品厂"}


def test_users_without_unit_or_inactive_see_nothing(users, spread):
    stray = User.objects.create(username="stray", role="town_inspector")
    assert visible(stray) == set()
    jiuxian = users["jiuxian"]
    jiuxian.is_active = False
    assert visible(jiuxian) == set()


def test_deactivated_unit_sees_nothing(users, spread):
    unit = users["jiuxian"].unit
    unit.is_active = False
    unit.save()
    assert visible(User.objects.get(username="jiuxian")) == set()
