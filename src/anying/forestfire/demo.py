"""Demo 森林防火 for 铜梁区 (`anying demo`): the winter-spring fire season in force, today's levels
(the district's forecast 2级, 旧县街道 3级 — so its checkpoint must be guarded and registration is
required), two checkpoints with a day of QR entries (some still inside after dark yesterday), the
forest responsible persons and zones, rangers with a fortnight of patrols (one behind), a fire-use
application approved and one refused under a 禁火令, an illegal fire use, and fire reports: one
checked as a fire of 0.35 ha (一般), one false alarm, one waiting for its town."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.db.models import Avg
from django.utils import timezone

from anying.core.models import Organisation, Region, User
from anying.core.permissions import SYSTEM
from anying.warning.models import Contact

from . import entry, lifecycles, services
from .models import Checkpoint, Entry, FireReport, Patrol, Ranger
from .reference import PURPOSES

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文德福贵春梅"


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng) -> str:
    return "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))


def _id_number(rng) -> str:
    body = "500224" + f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" + \
        f"{rng.randint(0, 999):03d}"
    return body + entry.CHECK[sum(int(c) * w for c, w in zip(body, entry.WEIGHTS, strict=True)) % 11]


def _contact(name, phone, region, role, title, families="forest", superior=None) -> Contact:
    found = Contact.objects.filter(phone=phone).first()
    return found or Contact.objects.create(name=name, phone=phone, region=region, role=role, title=title,
                                           families=families, superior=superior)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def load(rng) -> None:
    if Checkpoint.objects.exists():
        return
    district = Region.objects.filter(name="铜梁区", level=Region.Level.DISTRICT).first()
    if district is None:
        return
    jiuxian = Region.objects.filter(name="旧县街道", parent=district).first()
    hufeng = Region.objects.filter(name="虎峰镇", parent=district).first()
    if jiuxian is None or hufeng is None:
        return
    today = timezone.localdate()
    now = timezone.now()
    R = Contact.Role
    # the fire season and today's levels (the district's forecast; 旧县街道's own, higher)
    services.save_season(SYSTEM, {"region_id": district.pk, "name": f"{today.year}—{today.year + 1}年冬春森林防火期",
                                  "starts_on": today - dt.timedelta(days=30), "ends_on": today + dt.timedelta(days=150)})
    for n in range(7, -1, -1):
        day = today - dt.timedelta(days=n)
        services.set_level(SYSTEM, district.pk, day, 2 if n % 3 else 3, issuer="铜梁区气象局、区林业局")
    services.set_level(SYSTEM, jiuxian.pk, today, 3, issuer="铜梁区气象局、区林业局")
    services.set_level(SYSTEM, district.pk, today + dt.timedelta(days=1), 3, issuer="铜梁区气象局、区林业局")
    services.save_forest_area(SYSTEM, district.pk, today.year, Decimal("60000"), "演示数据（非统计数据）")
    # the 三个责任人 and the zone chain
    leader = _contact("李分管", "13800000001", district, R.DISTRICT_LEADER, "副区长", "general")
    for town, head, dept, ranger_name in ((jiuxian, "刘镇长", "区林业局 张科长", "陈护林"), (hufeng, "周镇长", "区林业局 赵科长", "王护林")):
        head_c = _contact(head, _phone(rng), town, R.TOWN_HEAD, f"{town.name}主要负责人", "general", leader)
        dept_c = _contact(dept.split()[1], _phone(rng), town, R.DEPT_RESPONSIBLE, "区林业局森林防火科", "forest")
        services.save_responsibility(SYSTEM, {"region_id": town.pk, "kind": "admin", "contact_id": head_c.pk,
                                              "letter_signed_on": today - dt.timedelta(days=60)})
        services.save_responsibility(SYSTEM, {"region_id": town.pk, "kind": "dept", "contact_id": dept_c.pk})
        services.save_responsibility(SYSTEM, {"region_id": town.pk, "kind": "district_town", "contact_id": leader.pk,
                                              "zone": f"包{town.name}", "letter_signed_on": today - dt.timedelta(days=60)})
        cadre = _contact(_name(rng), _phone(rng), town, R.VILLAGE_HEAD, "村支部书记", "forest,flood", head_c)
        services.save_responsibility(SYSTEM, {"region_id": town.pk, "kind": "village_group", "contact_id": cadre.pk,
                                              "zone": "包三组、四组", "letter_signed_on": today - dt.timedelta(days=45)})
        rangers = []
        for k in range(2):
            person = _contact(ranger_name if k == 0 else _name(rng), _phone(rng), town, R.RANGER, "生态护林员",
                              "forest", cadre)
            rangers.append(services.save_ranger(SYSTEM, {
                "region_id": town.pk, "contact_id": person.pk, "area": ["后山林班 1—4 号", "水库上游松林"][k],
                "contract_from": dt.date(today.year, 1, 1), "contract_to": dt.date(today.year, 12, 31)}))
        services.save_responsibility(SYSTEM, {"region_id": town.pk, "kind": "operator",
                                              "contact_id": rangers[0].contact_id, "zone": rangers[0].area})
        _patrols(rng, rangers, today, busy=town == jiuxian)
    # checkpoints, their duty and a day of entries
    owner_j = Organisation.objects.filter(region=jiuxian, kind=Organisation.Kind.TOWN_OFFICE).first()
    owner_h = Organisation.objects.filter(region=hufeng, kind=Organisation.Kind.TOWN_OFFICE).first()
    cps = []
    for town, owner, name, forest in ((jiuxian, owner_j, "西山林场森林防火检查站", "西山林场"),
                                      (hufeng, owner_h, "巴岳山玉皇观森林防火检查站", "巴岳山")):
        centre = town.places.filter(latitude__isnull=False).aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
        lat = Decimal(centre["lat"] or "29.84") + Decimal("0.012")
        lon = Decimal(centre["lon"] or "106.05") + Decimal("0.015")
        cps.append(services.save_checkpoint(SYSTEM, {
            "region_id": town.pk, "name": name, "forest": forest, "owner": owner, "address": f"{town.name}{forest}入口",
            "latitude": lat.quantize(Decimal("0.000001")), "longitude": lon.quantize(Decimal("0.000001")),
            "contact_name": "值守点", "contact_phone": _phone(rng)}))
    guard = _contact(_name(rng), _phone(rng), jiuxian, R.OTHER, "检查站值守员", "forest")
    for day in (today - dt.timedelta(days=1), today):
        services.set_duty(SYSTEM, cps[0].pk, day, [guard.pk])
    services.set_duty(SYSTEM, cps[1].pk, today - dt.timedelta(days=1),
                      [Ranger.objects.filter(region=hufeng).first().contact_id])
    _entries(rng, cps, today - dt.timedelta(days=1), now, full_day=True)
    _entries(rng, cps, today, now, full_day=False)
    _fire_use(rng, jiuxian, hufeng, today)
    _reports(rng, jiuxian, hufeng, cps, today)


def _patrols(rng, rangers, today, busy: bool) -> None:
    for k, ranger in enumerate(rangers):
        days = 14 if busy or k == 0 else 4  # the second ranger of 虎峰镇 is behind
        for n in range(days, 0, -1):
            if rng.random() < 0.2:
                continue
            day = today - dt.timedelta(days=n)
            start = _at(day, rng.choice((7, 8, 9, 14)), rng.choice((0, 15, 30)))
            services.record_patrol(SYSTEM, ranger.pk, {
                "started_at": start, "ended_at": start + dt.timedelta(hours=rng.choice((2, 3, 4))),
                "route": rng.choice(["村委会—后山林班—水库—村委会", "林场管护站—防火通道—山脊线", "入山口—松林—坟山片区"]),
                "findings": rng.choice(["", "", "林下可燃物较多，已报告村委会清理", "发现一处祭祀焚烧痕迹，已熄灭"]),
                "fire_use_stopped": rng.choice((0, 0, 0, 1)), "fires_reported": 0})


def _entries(rng, cps, day, now, *, full_day: bool) -> None:
    rows = []
    level_of = {cp.pk: services.level_of(cp.place.region, day) for cp in cps}
    for cp, count in ((cps[0], 26), (cps[1], 12)):
        for _ in range(count):
            time_in = _at(day, rng.randint(6, 16), rng.randint(0, 59))
            if time_in > now:
                continue
            number = _id_number(rng)
            stay = dt.timedelta(minutes=rng.randint(60, 360))
            out = time_in + stay
            if full_day and rng.random() < 0.08:
                out = None  # still on the mountain after dark
            elif not full_day and (out > now or rng.random() < 0.4):
                out = None
            rows.append(Entry(checkpoint=cp, day=day, name=_name(rng), phone=_phone(rng), id_masked=entry.mask(number),
                              id_hash=entry.id_hash(number), people=rng.choice((1, 1, 1, 2, 3)),
                              purpose=rng.choice(PURPOSES)[0], fire_source=rng.choice(("none", "none", "none", "lighter")),
                              pledge=True, level=level_of[cp.pk], required=services.required(level_of[cp.pk]),
                              time_in=time_in, time_out=out, out_key=secrets.token_urlsafe(16)[:22]))
    Entry.objects.bulk_create(rows)


def _fire_use(rng, jiuxian, hufeng, today) -> None:
    clerk = User.objects.filter(username="hufeng").first()
    approver = User.objects.filter(username="admin").first()
    tomorrow = today + dt.timedelta(days=1)
    app = lifecycles.submit_fire_use(clerk or SYSTEM, {
        "region_id": hufeng.pk, "place": "双河村三组田坎", "applicant": "周德福", "phone": "13912340001",
        "kind": "烧田埂（秸秆）", "reason": "清理田埂杂草，面积约2亩", "starts_at": _at(tomorrow, 9),
        "ends_at": _at(tomorrow, 11), "precautions": "开设3米隔离带，备灭火水桶4只、铁锹2把，无风天气用火",
        "watcher": "周志强", "watcher_phone": "13912340002"})
    lifecycles.run_fire_use(approver or SYSTEM, app.pk, "approve", comment="同意。须在无风天气，用火后彻底熄灭余火。")
    lifecycles.submit_fire_use(clerk or SYSTEM, {  # waiting for the district's approval
        "region_id": hufeng.pk, "place": "玉峰村五组茶园", "applicant": "王建国", "phone": "13912340005",
        "kind": "生产性用火（烧炭等）", "reason": "茶园修剪枝条集中焚烧", "starts_at": _at(tomorrow + dt.timedelta(days=2), 9),
        "ends_at": _at(tomorrow + dt.timedelta(days=2), 12), "precautions": "在空地集中焚烧，备水桶、扑火拍，专人看守至余火熄灭",
        "watcher": "王志强", "watcher_phone": "13912340006"})
    services.issue_ban(SYSTEM, {"region_id": jiuxian.pk, "issuer": "铜梁区人民政府", "number": f"铜府发〔{today.year}〕禁火1号",
                                "starts_at": _at(today, 0), "ends_at": _at(today + dt.timedelta(days=10), 0),
                                "text": "森林高火险期，旧县街道森林防火区内禁止一切野外用火。违者依法处理。"})
    lifecycles.submit_fire_use(User.objects.filter(username="jiuxian").first() or SYSTEM, {
        "region_id": jiuxian.pk, "place": "西山林场边坟地", "applicant": "刘桂英", "phone": "13912340003",
        "kind": "祭祀用火", "reason": "祭祖烧纸", "starts_at": _at(tomorrow, 8), "ends_at": _at(tomorrow, 9),
        "precautions": "有人看守，备水", "watcher": "刘建国", "watcher_phone": "13912340004"})
    services.record_illegal(SYSTEM, {
        "region_id": jiuxian.pk, "place": "西山林场边", "occurred_at": _at(today - dt.timedelta(days=2), 15, 20),
        "person": "李某", "description": "林缘焚烧秸秆，护林员发现后制止并扑灭", "penalty": "art50",
        "action": "批评教育并处罚款200元", "fine": Decimal("200"), "patrol_id": Patrol.objects.first().pk})


def _reports(rng, jiuxian, hufeng, cps, today) -> None:
    checker = User.objects.filter(username="jiuxian").first() or SYSTEM
    fire = lifecycles.report_fire(SYSTEM, {
        "source": "ranger", "region_id": jiuxian.pk, "place": "西山林场 3 号林班", "reporter": "陈护林",
        "reporter_phone": "13800000011", "description": "看到林中冒烟，有明火", "reported_at": _at(today - dt.timedelta(days=3), 14, 5)})
    lifecycles.run_report(checker, fire.pk, "check", comment="系林缘烧荒引燃林下可燃物，镇扑火队40分钟扑灭",
                          data={"outcome": "fire", "burnt_ha": "0.35", "extinguished_at": _at(today - dt.timedelta(days=3), 15, 10)})
    alarm = lifecycles.report_fire(SYSTEM, {
        "source": "camera", "region_id": jiuxian.pk, "place": "西山林场瞭望塔视频 2 号", "description": "视频识别疑似烟雾",
        "reported_at": _at(today - dt.timedelta(days=1), 11, 30)})
    lifecycles.run_report(checker, alarm.pk, "check", comment="现场核实为农户烧饭炊烟，非火情", data={"outcome": "false_alarm"})
    lifecycles.report_fire(SYSTEM, {
        "source": "public", "latitude": cps[1].place.latitude, "longitude": cps[1].place.longitude,
        "place": "巴岳山玉皇观后山", "reporter": "游客", "reporter_phone": "13700000000",
        "description": "山腰有烟，看不清是否有火"})
    assert FireReport.objects.count() == 3
