"""The state machine, table-driven: every transition allowed and refused for every role."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anying.core.errors import PermissionDenied
from anying.core.workflow import timeline
from anying.hazards import services
from anying.hazards.models import Hazard, RectificationPlan
from anying.hazards.workflow import TRANSITIONS
from tests.conftest import photo

from .conftest import PLAN, RECTIFY

ARGS = {"start": {"changes": RECTIFY}, "submit": {"comment": "已整改"},
        "send_back": {"comment": "照片不清楚"}, "close": {}, "supervise": {}, "progress": {"comment": "完成采购"}}
SOURCE = {"start": "registered", "submit": "rectifying", "send_back": "submitted", "close": "submitted"}

# (transition, hazard kind, who) → allowed?   who: enterprise (own), jiuxian (town), yingji (dept covering 工贸),
# jingxin (dept covering 机械), hufeng (other town), leader, duty, admin
CASES = []
for name in [n for n, t in TRANSITIONS.items() if t.target is not None]:  # the reports: test_supervision.py
    for kind in ("general_inspection", "general_self", "major"):
        for who in ("enterprise", "jiuxian", "yingji", "jingxin", "admin", "hufeng", "leader", "duty"):
            review = name in ("send_back", "close")
            if who == "enterprise":
                allowed = not review or kind == "general_self"
            else:
                allowed = who in ("jiuxian", "yingji", "jingxin", "admin")
            CASES.append((name, kind, who, allowed))


@pytest.mark.parametrize("name, kind, who, allowed", CASES)
def test_transition_table(factory, users, enterprise_user, name, kind, who, allowed):
    level = "major" if kind == "major" else "general"
    channel = "self" if kind == "general_self" else "inspection"
    hazard = factory(level=level, channel=channel, status=SOURCE[name])
    actor = enterprise_user(factory.enterprise) if who == "enterprise" else users[who]
    args = dict(ARGS[name])
    if name == "submit":
        args["files"] = [photo()]  # evidence must be new in each round
    if name == "start" and level == "major":
        args["plan"] = PLAN
    if allowed:
        done = services.transition(actor, hazard.pk, name, **args)
        assert done.status == TRANSITIONS[name].target
        assert timeline(hazard).filter(action=name, actor=actor).exists()
    else:
        with pytest.raises((PermissionDenied, Hazard.DoesNotExist)):
            services.transition(actor, hazard.pk, name, **args)
        assert Hazard.objects.get(pk=hazard.pk).status == SOURCE[name]


@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_refused_from_every_other_state(factory, users, name):
    for status in Hazard.Status.values:
        if status in TRANSITIONS[name].sources:
            continue
        hazard = factory(status=status)
        with pytest.raises(ValidationError, match="不能"):
            # 督办 is the district's (authority.py): a town inspector is refused before the state counts
            services.transition(users["admin" if name == "supervise" else "jiuxian"], hazard.pk, name, **ARGS[name])
        assert Hazard.objects.get(pk=hazard.pk).status == status


def test_whoever_rectified_or_submitted_never_closes(factory, users):
    hazard = factory()
    inspector = users["jiuxian"]
    services.transition(inspector, hazard.pk, "start", changes=RECTIFY)
    services.transition(users["admin"], hazard.pk, "submit", files=[photo()], comment="已整改")
    for actor in (inspector, users["admin"]):
        with pytest.raises(PermissionDenied, match="职责分离"):
            services.transition(actor, hazard.pk, "close")
    assert services.transition(users["yingji"], hazard.pk, "close").status == "closed"


def test_self_found_general_hazard_closes_by_a_different_enterprise_person(factory, enterprise_user, users):
    hazard = factory(channel="self")
    worker, manager = enterprise_user(factory.enterprise, "qy1"), enterprise_user(factory.enterprise, "qy2")
    services.transition(worker, hazard.pk, "start", changes=RECTIFY)
    services.transition(worker, hazard.pk, "submit", files=[photo()], comment="已清理")
    with pytest.raises(PermissionDenied):
        services.transition(worker, hazard.pk, "close")
    assert services.transition(manager, hazard.pk, "close").closed_by == manager


def test_major_hazard_needs_the_six_element_plan(factory, users):
    hazard = factory(level="major")
    with pytest.raises(ValidationError) as exc:
        services.transition(users["jiuxian"], hazard.pk, "start", changes=RECTIFY, plan={**PLAN, "methods": ""})
    assert "方法和措施" in str(exc.value)
    assert Hazard.objects.get(pk=hazard.pk).status == "registered" and not RectificationPlan.objects.exists()
    services.transition(users["jiuxian"], hazard.pk, "start", changes=RECTIFY, plan=PLAN)
    assert RectificationPlan.objects.get(hazard=hazard).methods == "加装泄爆片"


def test_requirements_are_explained_and_nothing_changes(factory, users):
    hazard = factory()
    with pytest.raises(ValidationError) as exc:
        services.transition(users["jiuxian"], hazard.pk, "start", changes={"measures": ""})
    # the deadline is there already: its level's default from registration
    assert {"responsible_person", "measures"} <= set(exc.value.message_dict)
    services.transition(users["jiuxian"], hazard.pk, "start", changes=RECTIFY)
    with pytest.raises(ValidationError, match="须附整改后的照片"):
        services.transition(users["jiuxian"], hazard.pk, "submit", comment="好了")
    services.transition(users["admin"], hazard.pk, "submit", files=[photo(), photo()], comment="好了")
    with pytest.raises(ValidationError, match="退回须写明原因"):
        services.transition(users["yingji"], hazard.pk, "send_back")
    assert Hazard.objects.get(pk=hazard.pk).status == "submitted"
    with pytest.raises(ValidationError, match="未知操作"):
        services.transition(users["yingji"], hazard.pk, "teleport")


def test_major_needs_a_criterion_and_enterprises_register_only_self_found(factory, users, enterprise_user):

    base = {"enterprise": factory.enterprise, "place": "x", "description": "y", "found_by": "z",
            "found_on": timezone.localdate(), "channel": "inspection"}
    with pytest.raises(ValidationError, match="判定标准"):
        services.register(users["jiuxian"], {**base, "level": "major"})
    with pytest.raises(ValidationError, match="企业只能登记自查"):
        services.register(enterprise_user(factory.enterprise), base)
    with pytest.raises(PermissionDenied):
        services.register(users["hufeng"], base)
    with pytest.raises(PermissionDenied):
        services.register(users["leader"], base)
    hazard = services.register(users["jiuxian"], base)
    assert (hazard.region_id, hazard.industry_id) == (factory.enterprise.region_id, factory.enterprise.industry_id)


def test_the_table_is_what_the_docs_show():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "hazards.md").read_text(encoding="utf-8")
    for spec in TRANSITIONS.values():
        assert f"`{spec.name}`" in doc and spec.label in doc
