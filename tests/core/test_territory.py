"""Admin screens are scoped too: a district admin administers their own district only, and
regions can be set up in the UI."""

import pytest
from django.urls import reverse

from anying.core import services
from anying.core.models import AuditEvent, Organisation, Region, User
from anying.core.roles import Role


@pytest.fixture
def other_district(district):
    city = district.parent
    bishan = services.save_region(None, Region(name="璧山区", level="district", parent=city))
    office = services.save_organisation(None, Organisation(name="璧山区安委办", kind="committee_office", region=bishan))
    admin = services.create_user(None, username="bsadmin", password="Bishan#2026", role=Role.DISTRICT_ADMIN, unit=office)
    return bishan, office, admin


def test_admin_sees_only_own_district(users, login, other_district):
    bishan, office, other_admin = other_district
    client = login(users["admin"])
    assert "璧山区安委办" not in client.get(reverse("unit_list")).content.decode()
    assert client.get(reverse("unit_edit", args=[office.pk])).status_code == 404
    assert client.get(reverse("user_edit", args=[other_admin.pk])).status_code == 404
    assert "bsadmin" not in client.get(reverse("user_list")).content.decode()
    assert client.get(reverse("region_edit", args=[bishan.pk])).status_code == 404
    assert "璧山区" not in client.get(reverse("region_list")).content.decode()
    other = login(other_admin)
    assert "旧县街道" not in other.get(reverse("region_list")).content.decode()
    body = other.get(reverse("audit_log") + "?action=login").content.decode()
    client.post(reverse("logout"))
    assert "王安委" not in body


def test_admin_cannot_place_units_or_users_outside_territory(users, other_district):
    bishan, office, _ = other_district
    with pytest.raises(services.ValidationError):
        services.save_organisation(users["admin"], Organisation(name="越界单位", kind="town_office", region=bishan))
    with pytest.raises(services.ValidationError):
        services.create_user(users["admin"], username="x1", password="Bishan#2026", role=Role.LEADER, unit=office)
    assert not User.objects.filter(username="x1").exists()


def test_region_screens_create_and_move(users, login, district):
    client = login(users["admin"])
    response = client.post(reverse("region_create"), {"name": "新城街道", "level": "town", "parent": district.pk,
                                                      "code": "500151999000", "sort": 99})
    assert response.status_code == 302
    town = Region.objects.get(name="新城街道")
    assert town.path.startswith(district.path) and town.code == "500151999000"
    client.post(reverse("region_create"), {"name": "新城社区", "level": "village", "parent": town.pk, "sort": 0})
    village = Region.objects.get(name="新城社区")
    jiuxian = Region.objects.get(name="旧县街道")
    client.post(reverse("region_edit", args=[town.pk]), {"name": "新城街道", "level": "town", "parent": jiuxian.pk,
                                                        "sort": 99})
    village.refresh_from_db()
    assert village.path.startswith(jiuxian.path)  # the subtree moved with it
    body = client.post(reverse("region_create"), {"name": "坏代码", "level": "town", "parent": district.pk,
                                                  "code": "123", "sort": 0}).content.decode()
    assert "12 位数字" in body
    body = client.post(reverse("region_edit", args=[jiuxian.pk]), {"name": "旧县街道", "level": "town",
                                                                   "parent": town.pk, "sort": 0}).content.decode()
    assert "不能是它自己或它的下级" in body
    assert AuditEvent.objects.filter(object_repr="新城街道", action="create").exists()


def test_town_inspector_opens_enterprise_account(users, login, make_enterprise):
    ent = make_enterprise("旧县机械厂")
    other = make_enterprise("虎峰机械厂", "虎峰镇")
    client = login(users["jiuxian"])
    url = reverse("enterprise_account_open", args=[ent.pk])
    client.post(url, {"username": "jxjx", "password": "Qiye#20261", "display_name": "安全员"})
    user = User.objects.get(username="jxjx")
    assert user.role == Role.ENTERPRISE_USER and user.unit_id == ent.organisation_id
    assert client.post(reverse("enterprise_account_open", args=[other.pk]),
                       {"username": "hf", "password": "Qiye#20261"}).status_code == 404
    assert login(users["leader"]).post(url, {"username": "l1", "password": "Qiye#20261"}).status_code == 404
    assert login(user).post(url, {"username": "self2", "password": "Qiye#20261"}).status_code == 404
    assert not User.objects.filter(username__in=["hf", "l1", "self2"]).exists()
