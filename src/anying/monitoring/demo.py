"""Demo installations (`anying demo`): two enterprises that use hazardous chemicals get their units
with real chemicals and designed maximum quantities — one a major hazard installation (液氨 cold
store), one a tank farm below the critical quantities, one oil-and-gas store missing two of its
four systems — so the register, the grades and the map layer show real figures. (Sensors, readings
and alarms come with the rest of issue #16.)"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from anying.core.permissions import SYSTEM

from . import services
from .models import Installation

UNITS = [
    # (name, kind, people within 500 m, commissioned, chemicals, oil/gas storage and its systems)
    ("液氨制冷机房", "production", 60, dt.date(2004, 6, 1), [("液氨", "12", "")], None),
    ("甲醇储罐区", "storage", 20, dt.date(2015, 3, 1), [("甲醇", "300", "W5.3"), ("乙醇", "120", "W5.3")], None),
    ("液化石油气储罐", "storage", 150, dt.date(2012, 9, 1), [("52", "60", "W2")],  # 表1 序号52 液化石油气
     {"has_gas_detection": True, "has_video": True}),
]


def load(rng) -> None:
    if Installation.objects.filter(is_demo=True).exists():
        return
    from anying.registry.models import Enterprise

    users = list(Enterprise.objects.filter(is_demo=True, tags__code="hazchem_use").order_by("id")[:2])
    if len(users) < 2:
        return
    plan = [(users[0], UNITS[0]), (users[0], UNITS[1]), (users[1], UNITS[2])]
    for ent, (name, kind, people, since, chemicals, systems) in plan:
        data = {"name": name, "kind": kind, "people_within_500m": people, "commissioned_on": since,
                "filed_on": since + dt.timedelta(days=200), "filing_number": f"渝铜危源备〔{since.year}〕{rng.randint(1, 40)}号",
                "assessed_on": dt.date(2024, rng.randint(1, 12), 1),
                "latitude": (ent.latitude or Decimal("29.80")) + Decimal("0.0008"),
                "longitude": (ent.longitude or Decimal("106.05")) + Decimal("0.0008")}
        if systems is not None:
            data.update({"oil_gas_storage": True, **systems})
        services.save_installation(SYSTEM, ent.pk, data, chemicals, is_demo=True)


# 包保责任人 of the demo's major installations (name, position, phone) — the LPG store's 操作负责人
# has missed the last two weeks, so the list, the 待办 and the tick have someone behind.
PEOPLE = {
    "principal": [("周建国", "总经理", "13908231001"), ("李红梅", "董事长", "13908231011")],
    "technical": [("陈志强", "设备副总", "13908231002"), ("王海", "生产技术部经理", "13908231012")],
    "operational": [("刘强", "制冷车间主任", "13908231003"), ("赵小军", "储运班长", "13908231013")],
}
CHECKS = {
    "principal": ("督促检查重大危险源安全生产工作：包保责任制落实、安全投入和应急预案", ["第四条（二）", "第四条（五）"]),
    "technical": ("针对性安全风险隐患排查：监测监控系统、安全设施、变更管理", ["第五条（二）", "第五条（五）"]),
    "operational": ("检查岗位操作规程执行、特殊作业和检维修作业管控", []),
}


def load_baobao(rng) -> None:
    from anying.core import periods

    from . import services_baobao
    from .models_baobao import Guarantor

    if Guarantor.objects.filter(is_demo=True).exists():
        return
    today = dt.date.today()
    majors = list(Installation.objects.filter(is_demo=True, is_major=True).order_by("id"))
    for n, inst in enumerate(majors[:2]):
        for kind, people in PEOPLE.items():
            name, position, phone = people[n]
            g = services_baobao.assign_guarantor(SYSTEM, inst.pk, kind, {
                "name": name, "position": position, "phone": phone, "since": today - dt.timedelta(days=400)},
                is_demo=True)
            text, items = CHECKS[kind]
            period = "weekly" if kind == "operational" else "quarterly"
            starts = [periods.start(period, today)]
            while len(starts) < (4 if period == "weekly" else 2):
                starts.append(periods.previous(period, starts[-1]))
            days = [min(start + dt.timedelta(days=rng.randint(0, 4 if period == "weekly" else 20)), today)
                    for back, start in enumerate(starts)
                    if not (n == 1 and kind == "operational" and back in (1, 2))]  # missed the last two weeks
            for day in days:
                problems = ""
                if n == 1 and kind == "technical" and day == days[0]:
                    problems = "液化石油气储罐未设紧急切断装置，雷电预警系统未接入"
                services_baobao.record_duty(SYSTEM, g.pk, {
                    "done_on": day, "checked": text, "items": items, "problems": problems}, is_demo=True)
