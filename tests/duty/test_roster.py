"""The roster (A1.1, A1.2): shifts planned by the unit's own staff, people on posts, gaps against
the staffing rules raised by key periods (双值班 in the flood season), swaps with approval, and
"who is on duty now" for notifications."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anying.core import recipients
from anying.core.errors import PermissionDenied
from anying.core.models import AuditEvent, Organisation
from anying.core.permissions import SYSTEM
from anying.duty import rules, services
from anying.duty.models import Assignment, KeyPeriod, Shift, StaffingRule

from .conftest import today


@pytest.fixture
def town_unit(district):
    return Organisation.objects.get(name="旧县街道应急办")


def plan(users, unit, days=7):
    first = today() + dt.timedelta(days=1)
    return services.plan_shifts(users["jiuxian"], unit, first, first + dt.timedelta(days=days - 1),
                                duty_phone="023-45670000")


def staff(shift, posts, *, leaders=(("李镇长", ""),), officers=("张值班",)):
    for name, side in leaders:
        services.assign(SYSTEM, shift.pk, post=posts["leader"], name=name, phone="13900000001", side=side)
    for name in officers:
        services.assign(SYSTEM, shift.pk, post=posts["officer"], name=name, phone="13900000002")


def test_only_the_units_own_staff_plan_its_roster(users, posts, town_unit):
    shifts = plan(users, town_unit)
    assert len(shifts) == 7 and shifts[0].ends_at - shifts[0].starts_at == dt.timedelta(hours=24)
    assert timezone.localtime(shifts[0].starts_at).time() == dt.time(8, 30)
    assert plan(users, town_unit) == []  # days that have a shift are left alone
    for who in ("hufeng", "admin", "leader"):  # another town; the district sees it but does not draw it up
        with pytest.raises(PermissionDenied):
            services.plan_shifts(users[who], town_unit, today(), today())
    with pytest.raises(ValidationError, match="已过去"):
        services.plan_shifts(users["jiuxian"], town_unit, today() - dt.timedelta(days=9), today() - dt.timedelta(days=8))
    assert AuditEvent.objects.filter(summary__startswith="编排值班班次").count() == 1


def test_gaps_follow_the_rules_and_key_periods(users, posts, town_unit, district):
    shifts = plan(users, town_unit, days=3)
    staff(shifts[0], posts)
    staff(shifts[1], posts, officers=())
    found = rules.gaps(Shift.objects.filter(unit=town_unit).select_related("unit__region"))
    assert [(g.shift.date, g.post.code) for g in found] == [
        (shifts[1].date, "officer"), (shifts[2].date, "leader"), (shifts[2].date, "officer")]
    # the flood season on the first day: two leaders, one of the Party and one of the government
    KeyPeriod.objects.create(name="主汛期", kind="flood", region=district, starts_on=shifts[0].date,
                             ends_on=shifts[0].date, dual_leadership=True)
    found = rules.gaps([Shift.objects.select_related("unit__region").get(pk=shifts[0].pk)])
    assert [g.reason for g in found] == ["需 2 人，已排 1 人（主汛期）", "党政领导“双值班”：须党委、政府领导各一名带班"]
    services.assign(SYSTEM, shifts[0].pk, post=posts["leader"], name="王书记", phone="13900000003", side="party")
    assert len(rules.gaps([shifts[0]])) == 1  # two leaders now, but not one of each side
    Assignment.objects.filter(shift=shifts[0], name="李镇长").update(side="government")
    assert rules.gaps([Shift.objects.select_related("unit__region").get(pk=shifts[0].pk)]) == []
    # a unit's own rule wins over its kind's
    StaffingRule.objects.create(unit=town_unit, post=posts["officer"], minimum=2)
    assert [g.reason for g in rules.gaps([shifts[0]])] == ["需 2 人，已排 1 人（主汛期）"]


def test_a_started_shift_changes_only_by_an_approved_swap(users, posts, town_unit):
    shift = plan(users, town_unit, days=1)[0]
    staff(shift, posts)
    officer = shift.assignments.get(post=posts["officer"])
    Shift.objects.filter(pk=shift.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1),
                                             ends_at=timezone.now() + dt.timedelta(hours=23))
    with pytest.raises(ValidationError, match="换班审批"):
        services.unassign(users["jiuxian"], officer.pk)
    swap = services.request_swap(users["jiuxian"], officer.pk, name="赵替班", phone="13900000009", reason="生病")
    with pytest.raises(PermissionDenied):  # the requester does not approve their own swap
        services.act_swap(users["jiuxian"], swap.pk, "approve")
    with pytest.raises(ValidationError, match="驳回理由"):
        services.act_swap(users["leader"], swap.pk, "reject")
    services.act_swap(users["leader"], swap.pk, "approve")
    officer.refresh_from_db()
    assert officer.name == "赵替班" and swap.__class__.objects.get(pk=swap.pk).replaced.startswith("张值班")
    with pytest.raises(PermissionDenied):  # another town cannot ask for a swap here
        services.request_swap(users["hufeng"], officer.pk, name="x", phone="1", reason="x")


def test_who_is_on_duty_now_reaches_notifications(users, posts, town_unit):
    shift = plan(users, town_unit, days=1)[0]
    users["jiuxian"].phone = "13911112222"
    users["jiuxian"].save()
    a = services.assign(SYSTEM, shift.pk, post=posts["officer"], person=users["jiuxian"], name="", phone="")
    assert (a.name, a.phone) == ("刘旧县", "13911112222")  # taken from the account
    Shift.objects.filter(pk=shift.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1),
                                             ends_at=timezone.now() + dt.timedelta(hours=23))
    assert recipients.on_duty([town_unit.pk]) == [users["jiuxian"]]
    assert recipients.desk([town_unit.pk]) == [users["jiuxian"]]
    hufeng_unit = Organisation.objects.get(name="虎峰镇应急办")
    assert recipients.on_duty([hufeng_unit.pk]) == []
    assert recipients.desk([hufeng_unit.pk]) == [users["hufeng"]]  # no roster: the unit's members


def test_a_person_from_another_unit_is_refused(users, posts, town_unit):
    shift = plan(users, town_unit, days=1)[0]
    with pytest.raises(ValidationError):
        services.assign(users["jiuxian"], shift.pk, post=posts["officer"], person=users["hufeng"], name="", phone="")
    assert not Assignment.objects.exists()


def test_removing_a_person_and_deleting_a_key_period_are_audited_as_deletions(users, posts, town_unit, district):
    shift = plan(users, town_unit, days=1)[0]
    staff(shift, posts)
    person = shift.assignments.get(post=posts["officer"])
    services.unassign(users["jiuxian"], person.pk)
    assert not Assignment.objects.filter(pk=person.pk).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DELETE, summary__startswith="取消排班").exists()
    period = KeyPeriod.objects.create(name="测试防火期", kind=KeyPeriod.Kind.choices[0][0], region=district,
                                      starts_on=today(), ends_on=today())
    services.delete_period(users["admin"], period)
    assert not KeyPeriod.objects.filter(name="测试防火期").exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DELETE, summary__startswith="删除重点时期").exists()
