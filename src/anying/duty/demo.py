"""Demo duty (`anying demo`): this month's roster of 区应急局 and three towns with a gap or two,
a reinforced 元旦 period, a log and a signed handover for yesterday, today's log with an open
item, a swap waiting for approval, and the month's spot checks of the towns."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anying.core.models import Organisation, Region, User
from anying.core.permissions import SYSTEM

from . import services
from .models import DutyPost, KeyPeriod, LogEntry, Shift, SpotCheck, StaffingRule

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["建国", "志强", "海燕", "晓东", "红梅", "德明", "春林", "小平", "玉兰", "国庆", "文杰", "丽娟"]


def _people(rng, n):
    return [(rng.choice(SURNAMES) + rng.choice(GIVEN), f"139{rng.randint(10000000, 99999999)}") for _ in range(n)]


def load(rng) -> None:
    if Shift.objects.exists():
        return
    bureau = Organisation.objects.filter(name="区应急局").first()
    district = Region.objects.filter(level=Region.Level.DISTRICT, name="铜梁区").first()
    if bureau is None or district is None:
        return
    if not DutyPost.objects.exists():  # a transactional test flushed the migration's rows
        from . import defaults

        defaults.load(DutyPost, StaffingRule)
    posts = {p.code: p for p in DutyPost.objects.all()}
    StaffingRule.objects.get_or_create(unit=bureau, post=posts["officer"], defaults={"minimum": 2})
    today = timezone.localdate()
    first = today.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    new_year = dt.date(today.year + 1, 1, 1)
    KeyPeriod.objects.create(name=f"{new_year.year}年元旦假期", kind=KeyPeriod.Kind.HOLIDAY, region=district,
                             starts_on=new_year - dt.timedelta(days=1), ends_on=new_year + dt.timedelta(days=2),
                             raises={"leader": 1, "officer": 2}, note="节日期间值班员加强至 2 人，领导在岗带班")
    KeyPeriod.objects.create(name=f"{new_year.year}年主汛期", kind=KeyPeriod.Kind.FLOOD, region=district,
                             starts_on=dt.date(new_year.year, 5, 1), ends_on=dt.date(new_year.year, 9, 30),
                             dual_leadership=True, note="执行党政领导“双值班”，镇街每班党委、政府领导各一名带班")
    duty = User.objects.filter(username="duty").first()
    jiuxian_user = User.objects.filter(username="jiuxian").first()
    towns = list(Organisation.objects.filter(kind=Organisation.Kind.TOWN_OFFICE, region__parent=district)
                 .select_related("region").order_by("region__code")[:3])
    jiuxian = Organisation.objects.filter(name="旧县街道应急办").first()
    if jiuxian is not None and jiuxian not in towns:
        towns[-1:] = [jiuxian]
    for unit, officers in [(bureau, 2), *[(t, 1) for t in towns]]:
        shifts = _plan(unit, first, last, "023-4567" + str(rng.randint(1000, 9999)))
        leaders, staff = _people(rng, 4), _people(rng, 6)
        for n, shift in enumerate(shifts):
            if unit != bureau and n % 11 == 7:
                continue  # a town forgot a day: a gap
            name, phone = leaders[n % len(leaders)]
            _add(shift, posts["leader"], name, phone, "副局长" if unit == bureau else "副镇（街）长")
            for k in range(officers):
                person = None
                if unit == bureau and k == 0 and duty is not None and n % 3 == 0:
                    person = duty
                elif unit == jiuxian and jiuxian_user is not None and n % 4 == 0:
                    person = jiuxian_user
                if person is not None:
                    _add(shift, posts["officer"], person.display_name, person.phone or "13900000001", "", person)
                else:
                    name, phone = staff[(n + k) % len(staff)]
                    _add(shift, posts["officer"], name, phone, "科员")
        Shift.objects.filter(unit=unit).update(published=True)
    _today_and_yesterday(bureau, duty)
    _checks(rng, towns, today)


def _plan(unit, first, last, phone):
    made = [Shift(unit=unit, date=first + dt.timedelta(days=n), duty_phone=phone,
                  starts_at=timezone.make_aware(dt.datetime.combine(first + dt.timedelta(days=n), services.DEFAULT_HANDOVER)),
                  ends_at=timezone.make_aware(dt.datetime.combine(first + dt.timedelta(days=n + 1), services.DEFAULT_HANDOVER)))
            for n in range((last - first).days + 1)]
    return Shift.objects.bulk_create(made)


def _add(shift, post, name, phone, title, person=None):
    from .models import Assignment

    Assignment.objects.create(shift=shift, post=post, name=name, phone=phone, title=title, person=person)


def _today_and_yesterday(bureau, duty):
    now = timezone.now()
    current = services.current_shift(bureau.pk, now)
    if current is None:
        return
    previous = Shift.objects.filter(unit=bureau, ends_at__lte=current.starts_at).order_by("-starts_at").first()
    if previous is not None:
        for hours, kind, source, text in [(2, LogEntry.Kind.CALL, "旧县街道应急办", "报告：涪江旧县段水位平稳，无险情。"),
                                          (6, LogEntry.Kind.INSTRUCTION, "市应急管理局", "通知：做好寒潮天气防范，加强夜间值守。"),
                                          (7, LogEntry.Kind.ACTION, "", "已将市局通知转发各镇街值班室，要求回复收悉。")]:
            LogEntry.objects.create(shift=previous, at=previous.starts_at + dt.timedelta(hours=hours), kind=kind,
                                    source=source, content=text, recorded_by=duty)
        LogEntry.objects.create(shift=previous, at=previous.starts_at + dt.timedelta(hours=9), kind=LogEntry.Kind.TODO,
                                source="市应急管理局", content="17 时前汇总各镇街寒潮防范落实情况报市局", open=True,
                                recorded_by=duty)
        from .models import Handover

        handed_by = duty or User.objects.filter(username="admin").first()
        Handover.objects.create(shift=previous, next_shift=current, summary="本班接报 1 起，转发市局通知 1 份，无突发事件。",
                                carried=services.carried_items(bureau), handed_by=handed_by,
                                handed_at=current.starts_at, received_by=None)
    if current.starts_at < now - dt.timedelta(minutes=30):
        LogEntry.objects.create(shift=current, at=current.starts_at + dt.timedelta(minutes=20),
                                kind=LogEntry.Kind.CALL, source="群众来电", content="反映巴川街道某小区燃气味较重，已转燃气公司和属地核实。",
                                open=True, recorded_by=duty)
    later = Shift.objects.filter(unit=bureau, starts_at__gt=now).order_by("starts_at").first()
    if later is not None:
        a = later.assignments.filter(post__code="officer").first()
        if a is not None:
            services.request_swap(SYSTEM, a.pk, name="周晓东", phone="13912345678", reason="家中有事，与周晓东调换")


def _checks(rng, towns, today):
    start = today.replace(day=1)
    for town in towns:
        for k in range(3):
            day = start + dt.timedelta(days=min(k * 7 + rng.randint(0, 5), max(0, (today - start).days)))
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.choice([10, 15, 22]), rng.randint(0, 59))))
            if at > timezone.now():
                continue
            answered = rng.random() > 0.15
            check = SpotCheck(unit=town, called_at=at, phone="023-4567xxxx", answered=answered,
                              seconds=rng.choice([6, 12, 20, 45]) if answered else None,
                              answered_by=rng.choice(SURNAMES) + "某" if answered else "",
                              on_roster=rng.random() > 0.2, knows_procedure=rng.random() > 0.2,
                              note="" if answered else "连续拨打 3 次无人接听")
            services.record_check(SYSTEM, check)
