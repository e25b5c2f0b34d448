"""Evacuations: opened by a warning that meets a point's trigger (ON_ISSUE) or by hand; each
household confirmed 转移到位; counts by town; 返回. And the recipients a warning gets from the
points (the three responsible persons, monitors and organiser)."""

import pytest
from django.core.exceptions import ObjectDoesNotExist, ValidationError

from anying.core.models import AuditEvent
from anying.core.permissions import SYSTEM
from anying.riskpoints import evacuations
from anying.riskpoints.models import Evacuation, RainCheck
from anying.warning import hooks
from anying.warning.hooks import Area

E = Evacuation.Status
SQUARE = [[105.9, 29.7], [106.1, 29.7], [106.1, 29.9], [105.9, 29.9], [105.9, 29.7]]


def test_the_hooks_are_registered():
    assert evacuations.recipient_source in hooks.RECIPIENT_SOURCES
    assert evacuations.on_issue in hooks.ON_ISSUE


def test_a_warning_that_meets_the_trigger_opens_an_evacuation(make_point, make_warning, town):
    point = make_point()
    other = make_point(name="虎峰点", town_name="虎峰镇")
    warning = make_warning("rainstorm", "orange", regions=[town("旧县街道")])
    evacuations.on_issue(warning)
    evac = Evacuation.objects.get()
    assert evac.point == point and evac.status == E.PENDING and evac.warning == warning
    assert (evac.households_total, evac.people_total, evac.town) == (3, 9, town("旧县街道"))
    assert not Evacuation.objects.filter(point=other).exists()
    assert AuditEvent.objects.filter(object_id=str(evac.pk), action="create").exists()
    evacuations.on_issue(warning)  # issued again (a retry): still one open evacuation
    assert Evacuation.objects.count() == 1


@pytest.mark.parametrize("kind, level, opened", [
    ("rainstorm", "yellow", False),  # below the plan's orange
    ("rainstorm", "red", True),
    ("geological", "orange", True),
    ("forest_fire", "red", False),  # not a family of a geological point
    ("heat", "red", False),
])
def test_the_trigger_by_kind_and_level(make_point, make_warning, town, kind, level, opened):
    make_point()
    evacuations.on_issue(make_warning(kind, level, regions=[town("旧县街道")]))
    assert Evacuation.objects.exists() is opened


def test_named_warning_kinds_narrow_the_trigger(make_point, make_warning, town):
    make_point(trigger_kinds="geological")
    evacuations.on_issue(make_warning("rainstorm", "red", regions=[town("旧县街道")]))
    assert not Evacuation.objects.exists()
    evacuations.on_issue(make_warning("geological", "orange", regions=[town("旧县街道")]))
    assert Evacuation.objects.count() == 1


def test_a_polygon_leaves_out_points_outside_it(make_point, make_warning, town):
    make_point(lat="29.80", lon="106.00")
    make_point(name="外面", lat="30.50", lon="107.00")
    evacuations.on_issue(make_warning("rainstorm", "red", regions=[town("旧县街道")], polygon=SQUARE))
    assert list(Evacuation.objects.values_list("point__name", flat=True)) == ["龙井村滑坡"]


def test_a_point_without_households_is_not_evacuated(make_point, make_warning, town):
    make_point(households=0)
    evacuations.on_issue(make_warning("rainstorm", "red", regions=[town("旧县街道")]))
    assert not Evacuation.objects.exists()


def test_confirming_households_to_done(users, make_point):
    point = make_point()
    evac = evacuations.start(users["jiuxian"], point.pk, trigger="observation", reason="裂缝加宽")
    rows = list(point.household_rows.all())
    evacuations.confirm(users["jiuxian"], evac.pk, rows[0].pk)
    evac.refresh_from_db()
    assert (evac.status, evac.households_moved, evac.people_moved) == (E.MOVING, 1, 3)
    with pytest.raises(ValidationError) as exc:
        evacuations.confirm(users["jiuxian"], evac.pk, rows[0].pk)
    assert "已确认转移到位" in str(exc.value)
    evacuations.confirm(users["jiuxian"], evac.pk, rows[1].pk, people=2)
    evacuations.confirm(users["duty"], evac.pk, rows[2].pk)
    evac.refresh_from_db()
    assert (evac.status, evac.households_moved, evac.people_moved) == (E.DONE, 3, 8)
    move = evac.moves.get(household=rows[1])
    assert move.confirmed_by == users["jiuxian"] and move.people == 2
    evacuations.unconfirm(users["jiuxian"], evac.pk, rows[2].pk)
    evac.refresh_from_db()
    assert (evac.status, evac.households_moved) == (E.MOVING, 2)


def test_another_town_cannot_confirm(users, make_point):
    point = make_point()
    evac = evacuations.start(SYSTEM, point.pk, trigger="order", reason="指挥部指令")
    with pytest.raises(ObjectDoesNotExist):
        evacuations.confirm(users["hufeng"], evac.pk, point.household_rows.first().pk)
    assert not evac.moves.exists()


def test_a_household_of_another_point_is_refused(users, make_point):
    point, other = make_point(), make_point(name="另一点")
    evac = evacuations.start(SYSTEM, point.pk, trigger="order", reason="指令")
    with pytest.raises(ValidationError):
        evacuations.confirm(users["jiuxian"], evac.pk, other.household_rows.first().pk)


def test_one_open_evacuation_per_point_and_a_reason_is_required(users, make_point):
    point = make_point()
    with pytest.raises(ValidationError):
        evacuations.start(users["jiuxian"], point.pk, trigger="observation", reason="")
    evacuations.start(users["jiuxian"], point.pk, trigger="observation", reason="裂缝")
    with pytest.raises(ValidationError) as exc:
        evacuations.start(users["jiuxian"], point.pk, trigger="observation", reason="又有裂缝")
    assert "正在进行的转移" in str(exc.value)


def test_return_closes_it_and_needs_a_comment(users, make_point):
    point = make_point()
    evac = evacuations.start(users["jiuxian"], point.pk, trigger="observation", reason="裂缝")
    with pytest.raises(ValidationError):
        evacuations.run(users["jiuxian"], evac.pk, "return")
    evac = evacuations.run(users["jiuxian"], evac.pk, "return", comment="险情解除")
    assert evac.status == E.RETURNED and evac.returned_at and evac.returned_by == users["jiuxian"]
    with pytest.raises(ValidationError):
        evacuations.confirm(users["jiuxian"], evac.pk, point.household_rows.first().pk)
    evacuations.start(users["jiuxian"], point.pk, trigger="observation", reason="再次出现裂缝")  # a new one may open


def test_counts_by_town(users, make_point):
    a, b = make_point(), make_point(name="虎峰点", town_name="虎峰镇")
    ea = evacuations.start(SYSTEM, a.pk, trigger="order", reason="指令")
    evacuations.start(SYSTEM, b.pk, trigger="order", reason="指令")
    evacuations.confirm(SYSTEM, ea.pk, a.household_rows.first().pk)
    rows = {r["town__name"]: r for r in evacuations.by_town(Evacuation.objects.all())}
    assert rows["旧县街道"]["moved"] == 1 and rows["旧县街道"]["households"] == 3
    assert rows["虎峰镇"]["moved"] == 0
    assert [r["town__name"] for r in evacuations.by_town(Evacuation.objects.visible_to(users["hufeng"]))] == ["虎峰镇"]


# ----- recipients -----

def _area(town, families=("flood", "geological"), polygon=None, *names):
    ids = frozenset(town(n).pk for n in (names or ("旧县街道",)))
    return Area(region_ids=ids, polygon=polygon, families=frozenset(families))


def test_recipients_are_the_responsible_persons_monitors_and_organiser(make_point, make_warning, town):
    point = make_point()
    specs = list(evacuations.recipient_source(make_warning(), _area(town)))
    roles = sorted(s.role for s in specs)
    assert roles == sorted(f"{point.name} {r}" for r in ("行政责任人", "主管部门责任人", "管护单位责任人", "群测群防员",
                                                         "转移组织人"))
    admin = next(s for s in specs if s.role.endswith("行政责任人"))
    assert admin.contact_id == point.admin_responsible_id and admin.region_id == point.region_id
    assert admin.superior_name == "旧县街道镇长"


def test_recipients_follow_families_regions_polygon_and_status(users, make_point, make_warning, town):
    point = make_point()
    make_point(name="外面", lat="30.5", lon="107")
    w = make_warning()
    assert not list(evacuations.recipient_source(w, _area(town, ("forest",))))
    assert not list(evacuations.recipient_source(w, Area(frozenset({town("虎峰镇").pk}), None,
                                                         frozenset({"geological"}))))
    inside = {s.role.split()[0] for s in evacuations.recipient_source(w, _area(town, ("geological",), SQUARE))}
    assert inside == {point.name}
    flood_only = list(evacuations.recipient_source(w, _area(town, ("flood",))))
    assert not flood_only  # geological points are not reached by a flood-only warning


def test_closed_points_reach_nobody(users, make_point, make_warning, town):
    from anying.riskpoints import services

    point = make_point()
    services.run(users["jiuxian"], point.pk, "request_close", comment="完成")
    services.run(users["admin"], point.pk, "close")
    assert not list(evacuations.recipient_source(make_warning(), _area(town)))


def test_rain_checks_are_created_for_rain_warnings_only(make_point, make_warning, town):
    make_point()
    evacuations.on_issue(make_warning("forest_fire", "red", regions=[town("旧县街道")]))
    assert not RainCheck.objects.exists()
    w = make_warning("rainstorm", "blue", regions=[town("旧县街道")])
    evacuations.on_issue(w)
    assert sorted(RainCheck.objects.values_list("phase", flat=True)) == ["after", "before", "during"]
    evacuations.on_issue(w)
    assert RainCheck.objects.count() == 3
    assert not Evacuation.objects.exists()  # blue is below the trigger
