"""Handling a tip: routing, the state table, deadlines and their escalation, links both ways."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, ClockStep, Organisation
from anying.hazards.models import Hazard
from anying.tips import escalation, routing, services
from anying.tips.models import Tip, TipRules

pytestmark = pytest.mark.django_db


def test_submission_sets_deadlines_suggestion_and_a_hashed_pin(file_tip, office):
    tip, pin = file_tip()
    assert tip.status == Tip.Status.RECEIVED and len(pin) == 6 and pin not in tip.pin_hash
    today = timezone.localdate()
    assert tip.verify_due == today + dt.timedelta(days=15) and tip.reply_due == today + dt.timedelta(days=60)
    assert tip.suggested_unit == office  # the town office of the place, not a district department
    assert AuditEvent.objects.filter(object_id=str(tip.pk), action=AuditEvent.Action.CREATE).exists()


def test_routing_prefers_the_town_then_a_department_of_the_industry(district, town, industry, ent):
    units = routing.candidates(town("旧县街道"), ent.industry_id)
    assert units[0].name == "旧县街道应急办"
    assert any(u.kind == Organisation.Kind.DEPARTMENT for u in units)  # the trade's department is offered too
    assert routing.suggest(district, None).kind == Organisation.Kind.COMMITTEE_OFFICE  # "不清楚" → 区安委办


def test_the_whole_way_and_no_close_without_conclusion_and_reply(file_tip, users, office):
    tip, _ = file_tip()
    admin, town_user = users["admin"], users["jiuxian"]
    with pytest.raises(PermissionDenied):
        services.step(town_user, tip.pk, "assign", unit=office)  # only the 12350 desk dispatches
    services.step(admin, tip.pk, "assign", unit=office)
    with pytest.raises(Tip.DoesNotExist):
        services.step(users["hufeng"], tip.pk, "start")  # another town: not even visible
    with pytest.raises(PermissionDenied):
        services.step(users["leader"], tip.pk, "start")  # sees it, may not handle it
    services.step(town_user, tip.pk, "start")
    with pytest.raises(ValidationError):
        services.step(town_user, tip.pk, "close")  # not in this state
    with pytest.raises(ValidationError):
        services.step(town_user, tip.pk, "conclude", substantiated=True, text="")  # findings required
    services.step(town_user, tip.pk, "conclude", substantiated=False, text="无此情况")
    with pytest.raises(ValidationError):
        services.step(town_user, tip.pk, "reply", text="  ")
    services.step(town_user, tip.pk, "reply", text="经核查，未发现您反映的情况。")
    tip = services.step(admin, tip.pk, "close")
    assert tip.status == Tip.Status.CLOSED and tip.days_to_reply == 0
    assert [e.action for e in tip.events.all()] == ["receive", "assign", "start", "conclude", "reply", "close"]


def test_close_refused_when_reply_is_missing_even_if_state_allows(file_tip, users, office):
    tip, _ = file_tip()
    services.step(users["admin"], tip.pk, "assign", unit=office)
    services.step(users["jiuxian"], tip.pk, "start")
    services.step(users["jiuxian"], tip.pk, "conclude", substantiated=True, text="属实")
    Tip.objects.filter(pk=tip.pk).update(status=Tip.Status.REPLIED)  # a reply lost by some other path
    with pytest.raises(ValidationError, match="核查结论和答复意见"):
        services.step(users["admin"], tip.pk, "close")


def test_scope_enterprises_never_see_tips_and_towns_only_theirs(file_tip, users, office, ent, enterprise_user, town):
    tip, _ = file_tip(enterprise=ent)
    other, _ = file_tip(region=town("虎峰镇"), place="虎峰镇某处")
    assert not Tip.objects.visible_to(enterprise_user(ent)).exists()
    assert set(Tip.objects.visible_to(users["jiuxian"])) == {tip}
    assert set(Tip.objects.visible_to(users["duty"])) == {tip, other}  # the 12350 desk sees the territory
    services.step(users["admin"], other.pk, "assign", unit=office)
    assert other in Tip.objects.visible_to(users["jiuxian"])  # assigned to the unit, so visible to it


def test_jurisdiction_rules_decide_deadlines(file_tip, district):
    default = TipRules.objects.get(region__isnull=True)
    TipRules.objects.create(**{**{f.name: getattr(default, f.name) for f in TipRules._meta.fields
                                  if f.name not in ("id", "region")}, "region": district, "verify_days": 7})
    tip, _ = file_tip()
    assert tip.verify_due == timezone.localdate() + dt.timedelta(days=7)


def test_overdue_tips_escalate_once_and_notify(file_tip, users, office):
    tip, _ = file_tip()
    Tip.objects.filter(pk=tip.pk).update(verify_due=timezone.localdate() - dt.timedelta(days=1))
    assert escalation.run() == 1
    assert escalation.run() == 0  # once per deadline, however often the tick runs
    assert ClockStep.objects.get(object_id=tip.pk, clock__startswith="tip_").clock == "tip_verify"
    note = users["duty"].notifications.filter(title__startswith="举报核查期限：").get()
    assert note.title.startswith("举报核查期限：") and "核查逾期" in note.body
    Tip.objects.filter(pk=tip.pk).update(reply_due=timezone.localdate() - dt.timedelta(days=1))
    assert escalation.run() == 1
    assert set(ClockStep.objects.filter(object_id=tip.pk, clock__startswith="tip_").values_list("clock", flat=True)) \
        == {"tip_verify", "tip_reply"}


def test_a_verified_tip_creates_its_hazard_linked_both_ways(verified, users):
    hazard = services.create_hazard(users["jiuxian"], verified.pk, {
        "place": "楼梯间", "description": "堆放油漆", "level": Hazard.Level.GENERAL, "found_by": "刘旧县",
        "found_on": timezone.localdate()})
    assert hazard.channel == Hazard.Channel.TIP
    assert list(hazard.tips.all()) == [verified] and list(verified.hazards.all()) == [hazard]


def test_links_only_to_records_in_scope_and_of_the_enterprise(verified, users, make_enterprise):
    from anying.hazards import services as hazard_services

    other_ent = make_enterprise("别家", "旧县街道", "机械")
    foreign = hazard_services.register(None, {"enterprise": other_ent, "place": "x", "description": "y",
                                              "channel": Hazard.Channel.INSPECTION, "found_by": "z",
                                              "found_on": timezone.localdate()})
    with pytest.raises(ValidationError, match="不属于被举报单位"):
        services.link(users["jiuxian"], verified.pk, "hazard", foreign.pk)
    hufeng_ent = make_enterprise("虎峰厂", "虎峰镇", "机械")
    out_of_scope = hazard_services.register(None, {"enterprise": hufeng_ent, "place": "x", "description": "y",
                                                   "channel": Hazard.Channel.INSPECTION, "found_by": "z",
                                                   "found_on": timezone.localdate()})
    with pytest.raises(ValidationError, match="不在您的范围内"):
        services.link(users["jiuxian"], verified.pk, "hazard", out_of_scope.pk)


def test_the_desk_may_assign_any_unit_of_its_territory_suggestion_first(file_tip, users):
    tip, _ = file_tip()
    units = routing.assignable(tip.region, None, users["duty"])
    assert units[0].name == "旧县街道应急办"
    assert {"区应急局", "虎峰镇应急办", "区安委办"} <= {u.name for u in units}
    services.step(users["duty"], tip.pk, "assign", unit=Organisation.objects.get(name="区应急局"))
    with pytest.raises(ValidationError):
        services.step(users["duty"], tip.pk, "assign",
                      unit=Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).first()
                      or Organisation(name="x", kind=Organisation.Kind.ENTERPRISE))
