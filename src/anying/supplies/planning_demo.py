"""Demo data for demand plans, maintenance and publicity (`anying demo`, after the warehouses)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anying.core.models import Organisation, Region
from anying.core.permissions import SYSTEM

from . import planning
from .models import Item, Warehouse
from .models_planning import DemandPlan, Maintenance, Publicity

# 区应急局 (the district's own reserve), and two towns: one submitted, one a draft
PLANS = {
    "区应急局": ("铜梁区本级应急物资储备需求计划", "submitted", [("FH-001", 60000, "涪江、琼江沿线防汛抢险"), ("FH-003", 3000, "转移群众"),
                                                            ("FH-005", 12, "水域救援"), ("SH-001", 800, "受灾群众安置"),
                                                            ("SH-003", 3000, "受灾群众安置"), ("SL-001", 120, "森林火灾扑救")]),
    "旧县街道应急办": ("旧县街道应急物资储备需求计划", "accepted", [("FH-001", 8000, "涪江沿线堤段"), ("FH-003", 400, "转移群众"),
                                                             ("JY-003", 200, "")]),
    "虎峰镇应急办": ("虎峰镇应急物资储备需求计划", "draft", [("FH-001", 5000, ""), ("SL-005", 300, "森林防火")]),
}


def load(rng) -> None:
    if DemandPlan.objects.exists() or not Warehouse.objects.exists():
        return
    items = {i.code: i for i in Item.objects.all()}
    year = timezone.localdate().year + 1
    units = {o.name: o for o in Organisation.objects.filter(name__in=PLANS)}
    for name, (title, state, lines) in PLANS.items():
        if name not in units:
            continue
        plan = planning.save_plan(SYSTEM, DemandPlan(owner=units[name], year=year, title=title,
                                                     basis="依据本辖区近五年汛情、森林火险和人口分布测算。"),
                                  [{"item": items[c], "quantity": q, "purpose": p} for c, q, p in lines if c in items])
        if state in ("submitted", "accepted"):
            planning.act(SYSTEM, plan.pk, "submit")
        if state == "accepted":
            planning.act(SYSTEM, plan.pk, "accept")
    today = timezone.localdate()
    kept = Warehouse.objects.filter(level__in=[Warehouse.Level.DISTRICT, Warehouse.Level.TOWN],
                                    mode=Warehouse.Mode.PHYSICAL)
    chosen = list(kept.order_by("id")[:5]) + list(kept.filter(name="旧县街道应急物资仓库"))
    for wh in dict.fromkeys(chosen):
        planning.save_maintenance(SYSTEM, Maintenance(
            warehouse=wh, done_on=today - dt.timedelta(days=rng.randint(150, 200)), kind=Maintenance.Kind.PRESEASON,
            items="冲锋舟、抽水泵、发电机", content="汛前检查船体和挂机，抽水泵、发电机试机，更换老化油管。",
            result=Maintenance.Result.GOOD, done_by=f"{wh.keeper or '保管员'}、区应急救援中队",
            next_due=today + dt.timedelta(days=rng.choice([3, 120, 150]))))
    main = Warehouse.objects.filter(level=Warehouse.Level.DISTRICT, mode=Warehouse.Mode.PHYSICAL).first()
    if main is not None:
        planning.save_maintenance(SYSTEM, Maintenance(
            warehouse=main, done_on=today - dt.timedelta(days=20), kind=Maintenance.Kind.TEST, items="发电机 3 台",
            content="月度试机，1 台启动困难。", result=Maintenance.Result.PENDING, done_by="黄保管"))
    offices = Organisation.objects.filter(kind=Organisation.Kind.TOWN_OFFICE).select_related("region").order_by("id")
    for office in dict.fromkeys([*offices[:7], *offices.filter(name="旧县街道应急办")]):
        village = Region.objects.filter(parent=office.region).order_by("code").first() or office.region
        planning.save_publicity(SYSTEM, Publicity(
            owner=office, region=village, held_on=today - dt.timedelta(days=rng.randint(5, 200)),
            form=rng.choice([Publicity.Form.TALK, Publicity.Form.LEAFLET, Publicity.Form.DOOR]),
            title="家庭应急物资储备宣传进社区", households=rng.randint(80, 600), kits=rng.randint(50, 400)))
