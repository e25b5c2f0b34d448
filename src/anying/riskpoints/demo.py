"""Demo risk points for 铜梁区 (`anying demo`, after the places and the warning roster): flood,
waterlogging and geological points and a flash-flood area and a care home in 旧县街道, 虎峰镇 and
安居镇, with their three responsible persons and monitors (rows of the warning app's 责任人名册),
evacuation lists of five elements with households (vulnerable people marked) and the town's
shelter, 日周月 patrol schedules with a few weeks of rounds (the 虎峰镇 village patrol left behind),
one problem found and not yet closed, and one evacuation in progress at the 旧县街道 landslide
(started from an observation, some households confirmed 转移到位).

The names, phones and figures are invented; the places sit near each town's demo enterprises."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Avg
from django.utils import timezone

from anying.core.models import Region
from anying.core.permissions import SYSTEM
from anying.places.models import Place
from anying.warning.models import Contact, Level

from . import evacuations, patrols, services
from .models import DisasterRiskPoint

SURNAMES = "张王李刘陈杨黄赵周吴徐孙胡朱高林何郭罗梁宋郑谢唐许邓冯韩曹曾彭"
GIVEN = "国明华建平志强德文正光永兴学春秀英桂兰芳玉海军林成福"

# town, name, kind, location, households (None: ledger figures only), facilities, loss (万元), scale, closing year
POINTS = [
    ("旧县街道", "旧县街道龙井村4组滑坡", "geological", "龙井村4组后山", 14, "村道300米", "320", "中型土质滑坡，约8万立方米", 2027),
    ("旧县街道", "小安溪旧县段防洪风险点", "flood", "小安溪旧县场镇段左岸", 9, "场镇街道、农贸市场", "1800", "堤防高程不足，20年一遇洪水漫堤", 2026),
    ("旧县街道", "旧县老街易涝点", "waterlogging", "老街与滨河路交叉口", None, "临街商铺12间", "60", "排水管网管径偏小", 2025),
    ("虎峰镇", "虎峰镇石梁村2组崩塌", "geological", "石梁村2组公路内侧", 6, "乡道150米", "90", "小型岩质崩塌", 2027),
    ("虎峰镇", "虎峰河虎峰段山洪危险区", "flash_flood", "虎峰河沿岸低洼地带", 8, "虎峰小学", "650", "山洪沟道行洪不畅", None),
    ("安居镇", "安居镇波仑村滑坡", "geological", "波仑村3组", 10, "", "150", "小型土质滑坡", 2028),
    ("安居镇", "安居镇敬老院", "key_place", "安居镇敬老院（临河）", None, "敬老院1所，在院老人46人", "300", "临河低洼", None),
]


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng) -> str:
    return "13" + "".join(str(rng.randint(0, 9)) for _ in range(9))


def _contact(rng, region, role, title, families, superior=None) -> Contact:
    # the roster belongs to the warning app; its demo may not exist yet, so the people of the
    # points are added here (the same rows its delivery reads)
    return Contact.objects.create(name=_name(rng), phone=_phone(rng), region=region, role=role, title=title,
                                  families=families, superior=superior)


def _centre(rng, town: Region):
    from anying.registry.models import Enterprise

    c = Enterprise.objects.filter(region__path__startswith=town.path, latitude__isnull=False).aggregate(
        lat=Avg("latitude"), lon=Avg("longitude"))
    lat, lon = c["lat"] or Decimal("29.84"), c["lon"] or Decimal("106.05")
    q = Decimal("0.000001")
    return ((Decimal(lat) + Decimal(rng.uniform(-0.02, 0.02))).quantize(q),
            (Decimal(lon) + Decimal(rng.uniform(-0.02, 0.02))).quantize(q))


def load(rng) -> None:
    if DisasterRiskPoint.objects.filter(is_demo=True).exists():
        return
    towns = {t.name: t for t in Region.objects.filter(level=Region.Level.TOWN, name__in={p[0] for p in POINTS})}
    if not towns:
        return
    leaders = {name: _contact(rng, town, Contact.Role.TOWN_OFFICIAL, "镇街防汛抗旱行政责任人", "flood,geological")
               for name, town in towns.items()}
    today = timezone.localdate()
    made = []
    for town_name, name, kind, location, n_households, facilities, loss, scale, year in POINTS:
        town = towns.get(town_name)
        if town is None:
            continue
        families = "geological" if kind == "geological" else "flood"
        admin = _contact(rng, town, Contact.Role.ADMIN_RESPONSIBLE, f"{town_name}副主任", families, leaders[town_name])
        dept = _contact(rng, town, Contact.Role.DEPT_RESPONSIBLE,
                        "区规划自然资源局地灾科" if kind == "geological" else "区水利局河道科", families, leaders[town_name])
        keeper = _contact(rng, town, Contact.Role.KEEPER_RESPONSIBLE, "村（社区）主任", families, admin)
        monitor = _contact(rng, town, Contact.Role.MONITOR, "群测群防员", families, keeper)
        lat, lon = _centre(rng, town)
        point = services.save_point(SYSTEM, {
            "name": name, "code": f"TL-{kind[:3].upper()}-{len(made) + 1:03d}", "kind": kind, "region": town,
            "location": location, "latitude": lat, "longitude": lon,
            "households": 0 if n_households else 3, "people": 0 if n_households else 46, "facilities": facilities,
            "potential_loss": Decimal(loss), "scale": scale, "admin_responsible": admin, "dept_responsible": dept,
            "keeper_responsible": keeper, "monitors": [monitor],
            "identified_by": "经专业技术单位调查核实，受威胁人员和财产达到登记标准" if kind == "geological"
            else "历史上发生过洪涝灾害或经水文分析达到风险点识别条件",
            "closing_standard": "工程治理验收合格或受威胁人员全部搬迁避让，经专家复核险情消除",
            "closing_year": year, "measures": "汛期加密巡查，落实监测预警和转移避险"}, is_demo=True)
        shelter = Place.objects.filter(kind=Place.Kind.SHELTER, region=town).first()
        services.save_plan(SYSTEM, point.pk, {
            "organiser": keeper, "trigger_kinds": "rainstorm,geological" if kind == "geological" else "rainstorm,flash_flood,flood",
            "trigger_level": Level.ORANGE if kind != "key_place" else Level.YELLOW,
            "trigger_rainfall": Decimal("50") if kind in ("geological", "flash_flood") else Decimal("80"),
            "trigger_rainfall_hours": 24,
            "trigger_observation": "后缘裂缝加宽、前缘鼓胀、房屋新增开裂、沟水突然变浑" if kind == "geological"
            else "河水上涨接近警戒水位、沟道水位暴涨",
            "shelter": shelter, "route": f"沿村道步行至{shelter.name if shelter else '村委会'}，约20分钟",
            "management": "村干部点名登记、逐户清点；安置点24小时值守，统一供餐；险情解除前不得擅自返回",
            "signal": "铜锣、口哨、村广播"})
        for i in range(n_households or 0):
            people = rng.randint(1, 5)
            elderly = min(people, rng.choice((0, 0, 1, 2)))
            children = min(people - elderly, rng.choice((0, 0, 0, 1)))
            services.save_household(SYSTEM, point.pk, {
                "head": _name(rng), "address": f"{location.split('（')[0]}{i + 1}号", "people": people,
                "phone": _phone(rng), "elderly": elderly, "children": children,
                "disabled": 1 if i == 2 and people - elderly - children > 0 else 0,
                "helper": admin.name if elderly or children else ""})
        patrols.ensure_schedules(SYSTEM, point.pk, starts_on=today - dt.timedelta(days=40))
        made.append(point)
    _rounds(rng, made, today)
    _evacuation(made)


def _rounds(rng, points, today) -> None:
    """A few weeks of rounds; the 虎峰镇 landslide's village patrol stopped five days ago (落后)."""
    for point in points:
        for schedule in point.patrol_schedules.all():
            stop = 5 if point.name.startswith("虎峰镇石梁村") and schedule.tier == "village" else 1
            for back in range(stop, 8):
                day = today - dt.timedelta(days=back)
                try:
                    patrols.record_round(SYSTEM, schedule.pk, inspectors=point.monitors.first().name, day=day,
                                         today=today, problem=(back == 3 and point.kind == "waterlogging"),
                                         note="雨水篦子堵塞两处，需清掏" if back == 3 and point.kind == "waterlogging"
                                         else "")
                except ValidationError:  # a period already recorded (weekly, monthly): skip
                    continue


def _evacuation(points) -> None:
    point = next((p for p in points if p.kind == "geological" and p.region.name == "旧县街道"), None)
    if point is None:
        return
    evac = evacuations.start(SYSTEM, point.pk, trigger="observation",
                             reason="群测群防员报告后缘裂缝较昨日加宽约3厘米，伴有小规模垮塌", is_demo=True)
    for h in list(point.household_rows.all())[:5]:
        evacuations.confirm(SYSTEM, evac.pk, h.pk)
