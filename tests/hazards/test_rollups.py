"""The dashboard's hazard tallies equal a full recount after any sequence of changes."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anying.core.models import Organisation
from anying.core.roles import Role
from anying.core.services import create_user
from anying.hazards import deadlines, rollups, services
from anying.hazards.models import Hazard, HazardDueTally, HazardMonthTally, HazardTally
from anying.standards.models import Criterion
from tests.conftest import photo

TODAY = timezone.localdate()

steps = st.lists(st.one_of(
    st.tuples(st.just("register"), st.integers(0, 2), st.sampled_from(["general", "major"]),
              st.sampled_from(["inspection", "covert", "tip"]), st.integers(0, 400)),
    st.tuples(st.just("start"), st.integers(0, 50), st.integers(10, 90)),
    st.tuples(st.just("submit"), st.integers(0, 50)),
    st.tuples(st.just("send_back"), st.integers(0, 50)),
    st.tuples(st.just("close"), st.integers(0, 50)),
    st.tuples(st.just("extend"), st.integers(0, 50), st.integers(1, 60)),
), min_size=1, max_size=25)


@pytest.fixture
def world(users, make_enterprise, enterprise_user):
    enterprises = [make_enterprise("旧县机械厂", "旧县街道", "机械"), make_enterprise("旧县轻工厂", "旧县街道", "轻工"),
                   make_enterprise("虎峰建材厂", "虎峰镇", "建材")]
    owners = {e.pk: enterprise_user(e, username=f"qiye{i}") for i, e in enumerate(enterprises)}
    office = Organisation.objects.get(name="区安委办")
    closer = create_user(None, username="admin2", password="Anying@2026", role=Role.DISTRICT_ADMIN, unit=office)
    criterion = Criterion.objects.filter(criteria_set__code="gongmao_2023", is_item=True).first()
    return {"enterprises": enterprises, "owners": owners, "worker": users["admin"], "closer": closer,
            "criterion": criterion}


def run(world, action) -> None:
    """Take one step; steps the workflow refuses (wrong state) are part of the sequence too."""
    from django.core.exceptions import ValidationError

    from anying.core.errors import PermissionDenied

    name, *args = action
    hazards = list(Hazard.objects.order_by("pk").values_list("pk", flat=True))
    try:
        if name == "register":
            ent = world["enterprises"][args[0]]
            services.register(None, {"enterprise": ent, "place": "车间", "description": "通道堵塞", "channel": args[2],
                                     "found_by": "检查组", "found_on": TODAY - dt.timedelta(days=args[3]),
                                     "level": args[1],
                                     "criterion": world["criterion"] if args[1] == "major" else None})
            return
        if not hazards:
            return
        pk = hazards[args[0] % len(hazards)]
        if name == "start":
            services.transition(world["worker"], pk, "start", changes={
                "responsible_person": "王主任", "measures": "清理", "deadline": TODAY + dt.timedelta(days=args[1])},
                plan={"objectives": "a", "methods": "b", "funds_and_materials": "c", "organisation_and_staff": "d",
                      "time_limit": "e", "safety_and_emergency": "f"})
        elif name == "submit":
            services.transition(world["worker"], pk, "submit", comment="已整改", files=[photo()])
        elif name in ("send_back", "close"):
            services.transition(world["closer"], pk, name, comment="复查")
        elif name == "extend":
            hazard = Hazard.objects.get(pk=pk)
            owner = world["owners"][hazard.enterprise_id]
            if hazard.deadline:
                ext = deadlines.request_extension(owner, pk, hazard.deadline + dt.timedelta(days=args[1]), "设备未到货")
                deadlines.answer_extension(world["closer"], ext.pk, True, "同意")
    except (ValidationError, PermissionDenied):
        pass


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=steps)
def test_tallies_equal_a_full_recount_after_any_sequence(world, actions):
    for action in actions:
        run(world, action)
    assert rollups.check() == []


def test_tallies_follow_a_hazard_through_its_life(world):
    ent = world["enterprises"][0]
    h = services.register(None, {"enterprise": ent, "place": "车间", "description": "通道堵塞", "channel": "inspection",
                                 "found_by": "检查组", "found_on": TODAY, "level": "general"})
    key = {"region_id": ent.region_id, "industry_id": ent.industry_id, "level": "general", "channel": "inspection"}
    assert HazardTally.objects.get(**key, status="registered").n == 1
    services.transition(world["worker"], h.pk, "start",
                        changes={"responsible_person": "王", "measures": "清理", "deadline": TODAY + dt.timedelta(days=20)})
    assert HazardTally.objects.get(**key, status="registered").n == 0
    assert HazardTally.objects.get(**key, status="rectifying").n == 1
    assert HazardDueTally.objects.get(deadline=TODAY + dt.timedelta(days=20)).n == 1
    ext = deadlines.request_extension(world["owners"][ent.pk], h.pk, TODAY + dt.timedelta(days=40), "等设备")
    deadlines.answer_extension(world["closer"], ext.pk, True, "同意")
    assert HazardDueTally.objects.get(deadline=TODAY + dt.timedelta(days=20)).n == 0
    assert HazardDueTally.objects.get(deadline=TODAY + dt.timedelta(days=40)).n == 1
    services.transition(world["worker"], h.pk, "submit", comment="已整改", files=[photo()])
    services.transition(world["closer"], h.pk, "close")
    assert HazardDueTally.objects.filter(n__gt=0).count() == 0
    assert HazardMonthTally.objects.get(kind="closed", month=TODAY.replace(day=1)).n == 1
    assert rollups.check() == []


def test_rebuild_repairs_tallies_and_check_reports_drift(world):
    ent = world["enterprises"][2]
    services.register(None, {"enterprise": ent, "place": "窑炉", "description": "护栏缺失", "channel": "covert",
                             "found_by": "暗访组", "found_on": TODAY, "level": "general"})
    HazardTally.objects.update(n=7)
    assert rollups.check()  # the drift is reported …
    rollups.rebuild()
    assert rollups.check() == []  # … and a rebuild repairs it


def test_a_refused_transition_changes_no_tally(world):
    ent = world["enterprises"][0]
    h = services.register(None, {"enterprise": ent, "place": "车间", "description": "通道堵塞", "channel": "inspection",
                                 "found_by": "检查组", "found_on": TODAY, "level": "general"})
    before = rollups.stored()
    run(world, ("close", 0))  # not submitted: refused
    assert Hazard.objects.get(pk=h.pk).status == "registered"
    assert rollups.stored() == before


def test_the_rollups_command_checks_and_rebuilds(world):
    from django.core.management import CommandError, call_command

    ent = world["enterprises"][0]
    services.register(None, {"enterprise": ent, "place": "车间", "description": "通道堵塞", "channel": "inspection",
                             "found_by": "检查组", "found_on": TODAY, "level": "general"})
    call_command("rollups", "check")
    HazardTally.objects.update(n=0)
    with pytest.raises(CommandError, match="不一致"):
        call_command("rollups", "check")
    call_command("rollups", "rebuild")
    call_command("rollups", "check")
