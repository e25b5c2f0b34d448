"""Demo installations (`anying demo`): two enterprises that use hazardous chemicals get their units
with real chemicals and designed maximum quantities — one a major hazard installation (液氨 cold
store), one a tank farm below the critical quantities, one oil-and-gas store missing two of its
four systems — so the register, the grades and the map layer show real figures.

Each installation gets its sensors (level, pressure, temperature, combustible or toxic gas) with
thresholds, a device, a day of readings every five minutes fed through the real ingest (so the
minute and hour aggregates and the history charts are filled), and three alarms in different
states: one 消警 (real), one handled as a 误报 waiting for the town to confirm, one just raised.
`anying simulate-readings` keeps the boards moving afterwards."""

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
    load_sensors(rng)


# (installation name, code, name, kind, unit, range, LL, L, H, HH). Gas alarm set points follow
# GB/T 50493-2019 (combustible: 一级 ≤ 25 %LEL, 二级 ≤ 50 %LEL); the others are the plant's own.
SENSORS = [
    ("液氨制冷机房", "LT-101", "液氨贮槽液位", "level", "m", (0, 3), 0.3, 0.5, 2.4, 2.7),
    ("液氨制冷机房", "PT-101", "液氨贮槽压力", "pressure", "MPa", (0, 2.5), None, None, 1.6, 1.9),
    ("液氨制冷机房", "AT-101", "机房氨气浓度", "toxic_gas", "ppm", (0, 500), None, None, 30, 150),
    ("甲醇储罐区", "LT-201", "1#甲醇储罐液位", "level", "m", (0, 12), 1.0, 1.5, 10.2, 10.8),
    ("甲醇储罐区", "TT-201", "1#甲醇储罐温度", "temperature", "℃", (-20, 80), None, None, 35, 45),
    ("甲醇储罐区", "GT-201", "罐区可燃气体", "flammable_gas", "%LEL", (0, 100), None, None, 25, 50),
    ("液化石油气储罐", "LT-301", "LPG球罐液位", "level", "%", (0, 100), 10, 15, 85, 90),
    ("液化石油气储罐", "PT-301", "LPG球罐压力", "pressure", "MPa", (0, 2.5), None, None, 1.6, 1.77),
    ("液化石油气储罐", "GT-301", "球罐区可燃气体", "flammable_gas", "%LEL", (0, 100), None, None, 25, 50),
]


def load_sensors(rng) -> None:
    from django.utils import timezone

    from . import ingest, sensors, timeseries
    from .models_sensors import Alarm, Sensor
    from .simulator import Plant, simulator_devices

    if Sensor.objects.filter(is_demo=True).exists():
        return
    units = {i.name: i for i in Installation.objects.filter(is_demo=True)}
    made = []
    for inst_name, code, name, kind, unit, (lo, hi), ll, low, high, hh in SENSORS:
        inst = units.get(inst_name)
        if inst is None:
            continue
        made.append(sensors.save_sensor(SYSTEM, inst.pk, {
            "code": code, "name": name, "kind": kind, "unit": unit, "range_low": lo, "range_high": hi,
            "low_low": ll, "low": low, "high": high, "high_high": hh, "interval_seconds": 300, "offline_after": 3},
            is_demo=True))
    if not made:
        return
    by_code = {s.code: s for s in made}
    if "AT-101" in by_code:
        sensors.add_rule(SYSTEM, by_code["AT-101"].pk, {"kind": "sustained", "bound": "H", "seconds": 600, "level": 1})
    devices = simulator_devices({s.enterprise_id for s in made})
    plant = Plant(made, rng.randint(1, 10_000))
    now = timeseries.ms(timezone.now()) // 300_000 * 300_000
    excursions = {now - 20 * 3_600_000: "GT-201", now - 6 * 3_600_000: "PT-301", now - 600_000: "AT-101"}
    for t in range(now - 24 * 3_600_000, now + 1, 300_000):
        if t in excursions and excursions[t] in by_code:
            plant.start_excursion(by_code[excursions[t]], reports=2)
        for ent_id, rows in plant.readings(t).items():
            ingest.ingest(devices[ent_id][0], rows)
    timeseries.rollup(timezone.now())
    # the alarms' stories: cleared (real), handled as a 误报 waiting for the town, just raised
    for code, story in (("GT-201", "cleared"), ("PT-301", "handled")):
        for alarm in Alarm.objects.filter(sensor__code=code, is_active=True).order_by("level"):
            _story(alarm, story)
    Alarm.objects.filter(sensor__in=made).update(is_demo=True)
    _account(made[0].enterprise)


def _account(ent) -> None:
    """weihua: the safety manager of the first monitored enterprise (a printed demo login)."""
    from anying.core.demo import DEMO_PASSWORD
    from anying.core.models import Organisation, User
    from anying.core.roles import Role
    from anying.core.services import create_user

    if not User.objects.filter(username="weihua").exists():
        create_user(None, username="weihua", password=DEMO_PASSWORD, role=Role.ENTERPRISE_USER,
                    unit=Organisation.objects.get(pk=ent.organisation_id), display_name="危化企业安全员")


def _story(alarm, story: str) -> None:
    from . import alarms

    alarms.run(SYSTEM, alarm.pk, "acknowledge")
    if story == "cleared":
        alarms.run(SYSTEM, alarm.pk, "handle", data={
            "cause": "real", "reason": "卸车时法兰垫片渗漏，甲醇蒸气积聚", "measures": "停止卸车，更换垫片，现场通风后复测正常"})
        alarms.run(SYSTEM, alarm.pk, "clear", comment="镇街安监站电话核实，现场复测正常")
    else:
        alarms.run(SYSTEM, alarm.pk, "handle", data={
            "cause": "false", "false_kind": "calibration", "reason": "压力变送器零点漂移", "measures": "已重新标定变送器"})



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
