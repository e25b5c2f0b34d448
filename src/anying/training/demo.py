"""Demo training archive (`anying demo`, order 32, after the registry's enterprises): this
year's yearly training of the 主要负责人 and 安全管理人员 for most demo enterprises (the rest
left behind, so the coverage page has gaps to show), and for the demo login's enterprise
(qiye) a plan, a 三级安全教育 of new hires at the three levels and a refresher with one failed
exam. Names are invented."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from anying.core.permissions import SYSTEM
from anying.registry.models import Enterprise, KeyPerson

from . import services
from .models import Kind, Session

NEW_HIRES = [("周建华", "抛丸打磨工", 88), ("吴丽", "抛丸打磨工", 92), ("郑伟", "叉车司机", 75), ("冯涛", "装配工", 81)]


@transaction.atomic
def load(rng) -> None:
    if Session.objects.filter(is_demo=True).exists():
        return
    today = timezone.localdate()
    start = dt.date(today.year, 1, 1)
    qiye = Enterprise.objects.filter(organisation__users__username="qiye").first()
    leaders = {}
    for ent_id, name in (KeyPerson.objects.filter(enterprise__is_demo=True, is_active=True,
                                                  kind__in=(KeyPerson.Kind.PRINCIPAL, KeyPerson.Kind.SAFETY_MANAGER))
                         .order_by("enterprise_id", "kind").values_list("enterprise_id", "name")):
        leaders.setdefault(ent_id, []).append(name)
    span = max((today - start).days, 1)
    for ent_id, names in leaders.items():
        if rng.random() < 0.25:
            continue  # not trained yet this year
        day = start + dt.timedelta(days=rng.randrange(span))
        services.save_session(SYSTEM, ent_id, {
            "kind": Kind.LEADER, "topic": "主要负责人和安全生产管理人员年度再培训（区应急局组织）", "held_on": day,
            "hours": 16, "trainer": "区应急管理局", "place": "区应急管理局培训室", "has_exam": True, "pass_mark": 60,
            "attendees": [{"name": n, "post": "", "score": rng.randint(70, 98)} for n in names]}, is_demo=True)
    if qiye is None:
        return
    for month, kind, topic, audience, hours in (
            (3, Kind.LEVEL_COMPANY, "新员工厂级安全教育", "新入职员工", 8),
            (3, Kind.LEVEL_WORKSHOP, "新员工车间级安全教育", "新入职员工", 8),
            (3, Kind.LEVEL_TEAM, "新员工班组级安全教育", "新入职员工", 8),
            (6, Kind.REFRESHER, "全员年度再培训：粉尘防爆与除尘系统", "全体从业人员", 8),
            (9, Kind.OTHER, "新设备（激光切割机）操作安全培训", "机加工车间", 4)):
        services.save_plan_item(SYSTEM, qiye, today.year, {"month": month, "kind": kind, "topic": topic,
                                                          "audience": audience, "hours": hours}, is_demo=True)
    day = min(dt.date(today.year, 3, 10), today)
    for offset, (kind, topic) in enumerate(((Kind.LEVEL_COMPANY, "新员工厂级安全教育：本单位安全生产情况、规章制度、事故案例"),
                                            (Kind.LEVEL_WORKSHOP, "新员工车间级安全教育：机加工车间危险因素与防护"),
                                            (Kind.LEVEL_TEAM, "新员工班组级安全教育：岗位操作规程与应急处置卡"))):
        services.save_session(SYSTEM, qiye, {
            "kind": kind, "topic": topic, "held_on": min(day + dt.timedelta(days=offset), today), "hours": 8,
            "trainer": "企业安全管理部", "has_exam": True, "pass_mark": 60,
            "attendees": [{"name": n, "post": p, "score": s} for n, p, s in NEW_HIRES]}, is_demo=True)
    services.save_session(SYSTEM, qiye, {
        "kind": Kind.REFRESHER, "topic": "全员年度再培训：粉尘防爆与除尘系统", "held_on": min(dt.date(today.year, 6, 18), today),
        "hours": 8, "trainer": "重庆某安全咨询公司", "has_exam": True, "pass_mark": 60,
        "attendees": [{"name": n, "post": p, "score": s - 30 if n == "郑伟" else s} for n, p, s in NEW_HIRES]},
        is_demo=True)
