"""The risk point ledger: threat levels from the data file, saving with scope, the households
and the 销号 lifecycle with separation of duties and audit."""

from decimal import Decimal

import pytest
from django.core.exceptions import ObjectDoesNotExist, ValidationError

from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM
from anying.places.models import Place
from anying.riskpoints import reference, services
from anying.riskpoints.models import DisasterRiskPoint

S = DisasterRiskPoint.Status


@pytest.mark.parametrize("people, loss, level", [
    (0, 0, "small"), (99, "499.99", "small"), (100, 0, "medium"), (10, 500, "medium"), (499, 0, "medium"),
    (500, 0, "large"), (10, 5000, "large"), (1000, 0, "huge"), (0, 10000, "huge"),
])
def test_threat_level_is_the_larger_of_people_and_loss(people, loss, level):
    assert reference.threat_of(people, Decimal(str(loss))) == level


def test_large_thresholds_are_marked_unverified_in_the_data_file():
    levels = {t.level: t for t in reference.threat_levels()}
    assert levels["small"].verified and levels["medium"].verified
    assert not levels["large"].verified and not levels["huge"].verified
    assert all(t.source for t in levels.values())


def test_a_point_gets_a_place_of_kind_risk_point_and_an_empty_plan(make_point):
    point = make_point(households=0)
    assert point.place.kind == Place.Kind.RISK_POINT and point.place.latitude == Decimal("29.800000")
    assert point.plan is not None and point.threat == "small"
    assert AuditEvent.objects.filter(object_id=str(point.pk), action="create").exists()


def test_households_set_the_counts_and_the_threat(make_point):
    point = make_point(households=0)
    for i in range(34):
        services.save_household(SYSTEM, point.pk, {"head": f"户{i}", "people": 3})
    point.refresh_from_db()
    assert (point.households, point.people, point.threat) == (34, 102, "medium")


def test_vulnerable_people_cannot_outnumber_the_household(make_point):
    point = make_point(households=0)
    with pytest.raises(ValidationError) as exc:
        services.save_household(SYSTEM, point.pk, {"head": "张三", "people": 2, "elderly": 2, "children": 1})
    assert "弱势人员" in str(exc.value)
    assert not point.household_rows.exists()


def test_a_town_cannot_put_a_point_in_another_town(users, town):
    with pytest.raises(ValidationError) as exc:
        services.save_point(users["jiuxian"], {"name": "越界", "kind": "flood", "region": town("虎峰镇"),
                                               "latitude": Decimal("29.8"), "longitude": Decimal("106")})
    assert "不在您管理的区划范围内" in str(exc.value)
    assert not DisasterRiskPoint.objects.exists()


def test_a_contact_of_another_town_is_refused(users, town, contact):
    other = contact("虎峰镇")
    with pytest.raises(ValidationError) as exc:
        services.save_point(users["jiuxian"], {"name": "点", "kind": "flood", "region": town("旧县街道"),
                                               "latitude": Decimal("29.8"), "longitude": Decimal("106"),
                                               "admin_responsible": other})
    assert "admin_responsible" in exc.value.message_dict


def test_another_town_cannot_see_or_edit_the_point(users, make_point):
    point = make_point()
    assert not DisasterRiskPoint.objects.visible_to(users["hufeng"]).filter(pk=point.pk).exists()
    with pytest.raises(ObjectDoesNotExist):
        services.save_point(users["hufeng"], {"name": "x"}, pk=point.pk)


def test_closing_needs_a_second_person_with_the_right(users, make_point):
    point = make_point()
    town, admin = users["jiuxian"], users["admin"]
    with pytest.raises(ValidationError):
        services.run(town, point.pk, "request_close")  # the comment is required
    services.run(town, point.pk, "request_close", comment="已搬迁避让，经复核险情消除")
    with pytest.raises(PermissionDenied):
        services.run(town, point.pk, "close")  # a town has no 销号 right
    point = services.run(admin, point.pk, "close")
    assert point.status == S.CLOSED and point.closed_by == admin and point.closed_on
    assert AuditEvent.objects.filter(object_id=str(point.pk), action="state").count() == 2


def test_whoever_asked_for_closing_may_not_approve_it(users, make_point):
    point = make_point()
    services.run(users["admin"], point.pk, "request_close", comment="治理完成")
    with pytest.raises(PermissionDenied) as exc:
        services.run(users["admin"], point.pk, "close")
    assert "职责分离" in str(exc.value)


def test_a_closed_point_cannot_be_edited(users, make_point):
    point = make_point()
    services.run(users["jiuxian"], point.pk, "request_close", comment="完成")
    services.run(users["admin"], point.pk, "close")
    with pytest.raises(ValidationError):
        services.save_point(users["admin"], {"name": "x"}, pk=point.pk)


def test_shelter_capacity_warning(make_point):
    point = make_point(households=3, capacity=5)
    assert "超过" in services.shelter_warning(point.plan, 9)
    assert services.shelter_warning(point.plan, 5) == ""
