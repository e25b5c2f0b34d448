"""Who may change what (found in review): the desks holding an incident keep its facts; only the top
desk dismisses or merges; the level above flags and withdraws; a region tightens a law's deadline,
never loosens it; API times without a zone are local."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anying.core.errors import PermissionDenied
from anying.core.models import Organisation
from anying.incidents import response as R
from anying.incidents import services
from anying.incidents.forms import RuleForm


def test_a_unit_without_a_desk_cannot_rewrite_or_dismiss_and_the_town_not_after_reporting(take, users):
    incident = take()
    with pytest.raises(PermissionDenied):
        services.update(users["duty"], incident.pk, {"deaths": 0})  # the district holds no desk yet
    services.submit(users["jiuxian"], incident.pk, "first", "written", "首报")
    with pytest.raises(PermissionDenied):  # reported up: the district's clocks are not the town's to stop
        services.dismiss(users["jiuxian"], incident.pk, "误报")
    services.dismiss(users["duty"], incident.pk, "经核实为误报")
    with pytest.raises(ValidationError):  # a false report does not become an accident record
        R.make_accident(users["jiuxian"], incident.pk)


def test_peers_do_not_flag_each_other_and_the_flagged_cannot_withdraw(take, users):
    incident = take()
    services.submit(users["jiuxian"], incident.pk, "first", "written", "首报")
    bureau = Organisation.objects.get(name="区应急局")
    with pytest.raises(ValidationError):  # 区安委办 and 区应急局 sit on the same region
        services.flag(users["admin"], incident.pk, "omitted", "漏报", unit=bureau)
    found = services.flag(users["admin"], incident.pk, "omitted", "漏报被困人数", unit=users["jiuxian"].unit)
    with pytest.raises(PermissionDenied):
        services.withdraw_flag(users["jiuxian"], found.pk, "不服")
    services.withdraw_flag(users["duty"], found.pk, "经核实已报告")


def test_a_region_may_tighten_a_law_deadline_but_not_loosen_or_switch_it_off(users, district):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for minutes, ok in (("", False), ("180", False), ("60", True)):
        form = RuleForm({"code": "R493_A11_LEVEL", "label": "每级上报", "stage": "first", "medium": "", "grades": "",
                         "kinds": "", "minutes": minutes, "counts_from": "received", "effective_from": tomorrow,
                         "source": "本区规定", "article": "第二条", "quote": "……"})
        assert form.is_valid(), form.errors
        if ok:
            services.save_rule(users["admin"], district, form)
        else:
            with pytest.raises(ValidationError):
                services.save_rule(users["admin"], district, form)
    today = RuleForm({"code": "TL_X", "label": "x", "stage": "first", "minutes": "30", "counts_from": "event",
                      "effective_from": timezone.localdate(), "source": "s"})
    assert today.is_valid(), today.errors
    with pytest.raises(ValidationError):  # from tomorrow: today's incidents keep today's rules
        services.save_rule(users["admin"], district, today)


def test_times_without_a_zone_are_local(take, users):
    naive = timezone.localtime(timezone.now() - dt.timedelta(hours=2)).replace(tzinfo=None)
    incident = take(occurred_at=naive, received_at=naive + dt.timedelta(minutes=10))
    assert incident.occurred_at == timezone.make_aware(naive)


def test_an_arrival_cannot_precede_departure_nor_departure_follow_arrival(take, users, team):
    from .conftest import POINT

    incident = take(**POINT)
    d = R.dispatch_team(users["jiuxian"], incident.pk, team.pk)
    now = timezone.now()
    R.mark(users["jiuxian"], d.pk, "arrived", at=now)
    with pytest.raises(ValidationError):
        R.mark(users["jiuxian"], d.pk, "departed", at=now + dt.timedelta(seconds=30))
    with pytest.raises(PermissionDenied):  # another town neither ordered it nor keeps the team
        R.mark(users["hufeng"], d.pk, "returned")
