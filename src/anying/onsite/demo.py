"""Demo mine (`anying demo`, order 30, after the registry at 20): the demo enterprises are the
工贸 list of seed 001 附件2, which has no mine, so a 非煤矿山 enterprise is added in 安居镇 with its
实际控制人 and 总工程师 (qualified) — their days on site over the last two months (the chief
engineer short of 15 working days last month, one day 补录) and last month's meeting minutes.
Names, the credit code and the mine itself are invented and marked `is_demo`."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from anying.core.models import Industry, Region
from anying.core.permissions import SYSTEM
from anying.registry import creditcode
from anying.registry.models import Enterprise, KeyPerson
from anying.registry.services import create_enterprise

from . import rules, services
from .models import OnsiteDay

MINE = "铜梁区某石灰岩矿（演示）"
WORK = ["带班下井（入坑）检查采场边坡和台阶", "检查爆破作业安全确认和警戒", "组织班前安全会并抽查岗位“两单两卡”",
        "检查排土场和截排水设施", "督促整改上周隐患并复核"]


def _workdays(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)
            if rules.is_working_day(start + dt.timedelta(days=n))]


@transaction.atomic
def load(rng) -> None:
    if Enterprise.objects.filter(name=MINE).exists():
        return
    town = Region.objects.filter(level=Region.Level.TOWN, name="安居镇").first() or \
        Region.objects.filter(level=Region.Level.TOWN).order_by("path").first()
    industry = Industry.objects.filter(code=services.MINE_INDUSTRY).first()
    if town is None or industry is None:
        return
    ent = create_enterprise(None, {"name": MINE, "credit_code": creditcode.synthetic(rng), "region": town,
                                   "industry": industry, "scale": Enterprise.Scale.BELOW, "employees": 46,
                                   "address": f"重庆市铜梁区{town.name}（演示）", "legal_representative": "罗志强",
                                   "contact_name": "何建国", "contact_phone": "13800000000", "is_demo": True})
    controller = KeyPerson.objects.create(enterprise=ent, kind=KeyPerson.Kind.ACTUAL_CONTROLLER, name="罗志强")
    KeyPerson.objects.create(enterprise=ent, kind=KeyPerson.Kind.PRINCIPAL, name="罗志强",
                             certificate_type="非煤矿山主要负责人安全生产知识和管理能力考核合格证")
    KeyPerson.objects.create(enterprise=ent, kind=KeyPerson.Kind.SAFETY_MANAGER, name="何建国",
                             certificate_type="非煤矿山安全生产管理人员考核合格证")
    engineer = KeyPerson.objects.create(enterprise=ent, kind=KeyPerson.Kind.CHIEF_ENGINEER, name="唐明",
                                        title_level=KeyPerson.TitleLevel.INTERMEDIATE, experience_years=8,
                                        field_of_study="采矿工程")
    today = timezone.localdate()
    this_start = today.replace(day=1)
    last_start = (this_start - dt.timedelta(days=1)).replace(day=1)
    last = _workdays(last_start, this_start - dt.timedelta(days=1))
    current = _workdays(this_start, today)
    plan = [(controller, last[:11]), (engineer, last[:12]), (controller, current[: len(current) // 2]),
            (engineer, current[: max(len(current) - 1, 0)])]
    for person, days in plan:
        for day in days:
            services.record_day(SYSTEM, ent, {"person": person.pk, "day": day, "work": rng.choice(WORK)}, is_demo=True)
    # one of last month's days was recorded late (补录): it counts, and is flagged
    late = OnsiteDay.objects.filter(person=engineer, day__lt=this_start).order_by("-day").first()
    if late is not None:
        OnsiteDay.objects.filter(pk=late.pk).update(created_at=timezone.now())
    if last:
        services.save_meeting(SYSTEM, ent, {
            "held_on": last[min(9, len(last) - 1)], "topics": "雨季边坡稳定和排水；爆破器材库管理",
            "attendees": "实际控制人 罗志强，总工程师 唐明，安全管理人员 何建国",
            "minutes": "一、雨季前完成东侧边坡位移监测点加密，责任人唐明，月底前完成。\n二、爆破器材库双人双锁落实情况每周检查，责任人何建国。"},
            is_demo=True)
