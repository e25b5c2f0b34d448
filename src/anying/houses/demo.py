"""Demo households of the demo rainstorm (`anying demo`, order 105, after the disasters demo at
100 which makes the event): collapsed and damaged houses in 旧县街道 and 虎峰镇, recorded by the
villages' 灾害信息员 and carried to different points of the lifecycle — assessed, a plan waiting
for the town, a relocation whose first site lay near the 龙井村 landslide and was moved, works
under way, completed, accepted and one subsidy paid. Without the event (the disasters demo not
loaded) nothing is made.

Names, ID numbers (valid check digits, invented), phones and accounts are invented."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anying.core.permissions import SYSTEM
from anying.disasters.models import Event
from anying.forestfire.entry import CHECK, WEIGHTS
from anying.riskpoints.models import DisasterRiskPoint

from . import services
from .models import Household

EVENT_NAME = "暴雨洪涝灾害"
# village, head, members, situation, structure, rooms, collapsed, severe, general, cause, mode, stage
ROWS = [
    ("玉泉村", "何国强", 4, "general", "earth_wood", 4, 4, 0, 0, "山洪冲毁", "relocate", "paid"),
    ("玉泉村", "何秀英", 2, "dibao", "earth_wood", 3, 2, 1, 0, "后山滑坡推挤", "relocate", "accepted"),
    ("玉泉村", "罗德明", 5, "general", "brick_wood", 5, 0, 3, 1, "暴雨浸泡地基下沉", "in_place", "completed"),
    ("龙洞湾村", "罗春燕", 3, "monitored", "brick_wood", 4, 0, 2, 0, "暴雨浸泡", "in_place", "building"),
    ("龙洞湾村", "梁永刚", 4, "general", "earth_wood", 3, 3, 0, 0, "山洪冲毁", "relocate", "approved"),
    ("幸福社区", "梁丽华", 3, "general", "brick_concrete", 4, 0, 0, 2, "内涝浸泡墙体开裂", "repair", "planned"),
    ("太平村", "宋海涛", 6, "tekun", "earth_wood", 5, 5, 0, 0, "滑坡掩埋", "relocate", "planned_override"),
    ("太平村", "宋桂兰", 2, "general", "brick_wood", 3, 0, 0, 3, "暴雨浸泡", "repair", "assessed"),
    ("石牛村", "郑文军", 4, "disabled", "earth_wood", 4, 0, 4, 0, "山洪冲刷墙基", None, "assessed"),
    ("石牛村", "郑明亮", 3, "general", "brick_wood", 2, 0, 0, 1, "屋面被风雨掀翻", None, "assessed"),
]
STAGES = ["assessed", "planned", "approved", "building", "completed", "accepted", "paid"]


def id_number(rng, born: dt.date) -> str:
    body = f"500151{born:%Y%m%d}{rng.randint(100, 999)}"  # 500151: 铜梁区
    return body + CHECK[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def photo(label: str, colour=(120, 130, 140)) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile(f"{label}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _site(rng, village) -> tuple[Decimal, Decimal]:
    """A site well away from every risk point: the centre of the town's points moved 1–2 km."""
    points = list(DisasterRiskPoint.objects.filter(region__path__startswith=village.parent.path)
                  .values_list("place__latitude", "place__longitude"))
    lat, lon = (points[0] if points else (Decimal("29.84"), Decimal("106.05")))
    q = Decimal("0.000001")
    for _ in range(20):
        s = (Decimal(lat) + Decimal(rng.choice((-1, 1)) * rng.uniform(0.01, 0.02))).quantize(q)
        w = (Decimal(lon) + Decimal(rng.choice((-1, 1)) * rng.uniform(0.01, 0.02))).quantize(q)
        if not services.nearby(s, w, 300):
            return s, w
    return s, w


def load(rng) -> None:
    # the disasters demo's rainstorm (named for the day it began, e.g. 12·6 暴雨洪涝灾害)
    event = Event.objects.filter(name__endswith=EVENT_NAME).order_by("pk").first()
    if event is None or Household.objects.filter(is_demo=True).exists():
        return
    from anying.disasters.villages import committees

    villages = committees()
    towns = set(event.towns.values_list("pk", flat=True))
    today = timezone.localdate()
    start = timezone.localdate(event.started_at)
    for (village_name, head, members, situation, structure, rooms, collapsed, severe, general, cause, mode,
         stage) in ROWS:
        if village_name not in villages:
            continue
        village, _, officer = villages[village_name]
        if village.parent_id not in towns:
            continue
        assessed = min(start + dt.timedelta(days=rng.randint(1, 3)), today)
        born = dt.date(rng.randint(1950, 1990), rng.randint(1, 12), rng.randint(1, 28))
        house = services.save_household(SYSTEM, {
            "event": event, "village": village, "group": f"{rng.randint(1, 8)}组{rng.randint(1, 40)}号", "head": head,
            "id_number": id_number(rng, born), "phone": f"13{rng.randint(5, 9)}{rng.randint(10_000_000, 99_999_999)}",
            "members": members, "situation": situation, "only_home": True, "structure": structure, "rooms": rooms,
            "rooms_collapsed": collapsed, "rooms_severe": severe, "rooms_general": general, "cause": cause,
            "assessed_on": assessed, "assessors": f"{village.parent.name}规划建设办 王建平，{village_name}委员会 {officer.display_name}"},
            photos=[photo("评估照片1", (150, 110, 90)), photo("评估照片2", (140, 120, 100))], is_demo=True)
        if mode is None:
            continue
        override = ""
        if stage == "planned_override":
            stage = "planned"
            override = "该点已完成抗滑桩治理工程并经区规划自然资源局组织专家评估，新址位于治理区外侧稳定地段"
        site = {}
        if mode in ("in_place", "relocate"):
            lat, lon = _site(rng, village)
            if override:
                # beside the town's geological point, kept there by the town's justified exception
                point = DisasterRiskPoint.objects.filter(region__path__startswith=village.parent.path,
                                                         kind="geological").select_related("place").first()
                if point is not None:
                    lat, lon = point.place.latitude + Decimal("0.0004"), point.place.longitude
                else:
                    override = ""
            site = {"site_address": f"{village_name}{'集中安置点' if mode == 'relocate' else '原宅基地'}",
                    "latitude": lat, "longitude": lon}
        services.save_plan(SYSTEM, house.pk, {"mode": mode, **site, "site_override": override,
                                              "plan_note": "自建砖混结构住房，面积约100平方米" if mode != "repair" else "墙体加固、屋面翻修"})
        _advance(rng, house.pk, mode, STAGES.index(stage), assessed, today)


def _advance(rng, pk: int, mode: str, target: int, day: dt.date, today: dt.date) -> None:
    """Take the household through the lifecycle up to stage `target`, a few days a step."""
    def later(days):
        nonlocal day
        day = min(day + dt.timedelta(days=days), today)
        return {"day": day}

    def step(name, files=(), data=None, comment=""):
        services.run(SYSTEM, pk, name, files=list(files), data=data or {}, comment=comment)

    if target >= 1:
        step("submit_plan")
    if target >= 2:
        step("approve_plan", data=later(3))
    if target >= 3:
        step("start", [photo("开工", (160, 140, 100))], data=later(5))
        if mode not in ("repair", "purchase"):
            step("main_done", [photo("主体完工", (170, 150, 110))], data=later(20))
    if target >= 4:
        step("complete", [photo("竣工", (180, 170, 150))], data=later(15))
    if target >= 5:
        step("accept", [photo("验收", (190, 180, 160))], data=later(3), comment="按批准方案建成，质量合格，可以入住")
    if target >= 6:
        step("pay", data={**later(4), "account": f"6217{rng.randint(10**11, 10**12 - 1)}",
                          "bank": "重庆农村商业银行铜梁支行"})
