"""Demo data for risk grading and standardization (invented for the demo, marked `is_demo`).

- Risk areas and points for a handful of demo enterprises (the demo enterprise login's first),
  graded with both methods through the service, so the 四色图 shows every colour.
- The towns' targets of seed 001 附件3, set for the current year so the 达标率 page has
  something to measure against (the seed's year is 2022).
- The story moved on to the current year: about a third of the seed's 未创建 enterprises got
  their certificate this year, and a few hold certificates expiring within 90 or 30 days (so
  the tick's reminders have something to send)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from anying.core.models import User
from anying.standards.models import AccidentType

from . import risks, services, standardization
from .models import Enterprise, RiskPoint, StandardizationTarget

# area → [(activity, hazard, accident type, method, inherent (l, e, c), residual (l, e, c), controls)]
# For LS the factors are (L, None, S).
PLANS = {
    "机械": [
        ("机加工车间", [
            ("数控车床加工", "旋转部件无防护罩，长发、手套卷入", "机械致害", "lec", (3, 6, 15), (1, 6, 15),
             ("加装联锁防护罩", "操作规程上墙，禁止戴手套操作", "新员工三级教育", "工作帽、护目镜", "急停按钮，现场急救箱")),
            ("桥式起重机吊装", "吊索具磨损、超载起吊", "起重致害", "ls", (3, None, 5), (2, None, 5),
             ("起重量限制器", "持证操作，吊索具每日点检", "起重作业专项培训", "安全帽", "起重事故应急处置卡")),
        ]),
        ("抛丸打磨间", [
            ("金属打磨抛光", "铝镁粉尘积聚，遇点火源发生粉尘爆炸", "粉尘爆炸", "lec", (3, 6, 40), (1, 6, 40),
             ("湿式除尘，泄爆装置，防爆电气", "每班清扫积尘并记录", "粉尘防爆专项培训", "防静电工作服", "停机断电撤离，拨打 119")),
        ]),
        ("配电房", [
            ("高低压配电操作", "带电作业、绝缘失效导致触电", "触电", "lec", (1, 3, 15), (0.5, 3, 15),
             ("漏电保护、绝缘垫", "两票三制", "电工持证上岗", "绝缘手套、绝缘靴", "断电后施救，心肺复苏")),
        ]),
        ("成品库房", [
            ("叉车装卸", "叉车视线受阻撞人", "厂(场)内车辆致害", "ls", (2, None, 4), (2, None, 3),
             ("库内限速、凸面镜", "人车分流", "叉车司机持证", "反光背心", "事故报告流程")),
        ]),
    ],
    "default": [
        ("生产车间", [
            ("设备检修", "未断电挂牌，设备误启动", "机械致害", "lec", (3, 3, 15), (1, 3, 15),
             ("能量隔离锁具", "检修作业票", "上锁挂牌培训", "防护手套", "急停与急救")),
            ("高温炉前作业", "熔融金属喷溅", "灼烫", "lec", (6, 6, 7), (3, 6, 7),
             ("炉前挡板", "炉前禁水管理", "岗位培训", "隔热服、面罩", "烫伤处置")),
        ]),
        ("有限空间（污水池）", [
            ("清淤作业", "硫化氢积聚，作业人员中毒窒息", "中毒", "ls", (4, None, 5), (3, None, 5),
             ("强制通风、气体检测仪", "先通风、再检测、后作业；作业审批", "有限空间专项培训", "正压式空气呼吸器",
              "禁止盲目施救，呼叫 120")),
        ]),
        ("仓库", [
            ("物料堆垛", "堆垛过高倒塌", "坍塌", "ls", (2, None, 3), (1, None, 3),
             ("货架固定", "限高堆放", "仓管员培训", "安全帽", "疏散与清点人员")),
        ]),
    ],
}
RISK_ENTERPRISES = 6


def _factors(method, values):
    like, exposure, consequence = values
    return like, exposure if method == "lec" else None, consequence


@transaction.atomic
def load(rng) -> None:
    today = timezone.localdate()
    _targets(today.year)
    if RiskPoint.objects.filter(is_demo=True).exists():
        return
    _risks()
    _standardization_story(rng, today)


def _targets(year: int) -> None:
    if not StandardizationTarget.objects.filter(year=year).exists():
        standardization.load_file_targets(year)


def _risks() -> None:
    types = {t.name: t for t in AccidentType.objects.filter(group="基本事故类型")}
    qiye = User.objects.filter(username="qiye").select_related("unit").first()
    first = [qiye.unit.enterprise] if qiye and hasattr(qiye.unit, "enterprise") else []
    demo = Enterprise.objects.filter(is_demo=True).select_related("industry", "region").order_by("id")
    hufeng = list(demo.filter(region__name="虎峰镇")[:1])  # so the town inspector hufeng sees some
    chosen = first + hufeng
    others = [e for e in demo[:60:10] if e.pk not in {c.pk for c in chosen}]
    for ent in (chosen + others)[:RISK_ENTERPRISES]:
        plan = PLANS.get(ent.industry.name, PLANS["default"])
        for area_name, points in plan:
            area = risks.save_area(None, ent, {"name": area_name})
            for activity, hazard, kind, method, inherent, residual, controls in points:
                data = {"area": area, "activity": activity, "hazard": hazard, "accident_type": types[kind],
                        "method": method, "responsible": ent.contact_name or "安全管理员",
                        **dict(zip(["control_engineering", "control_management", "control_training", "control_ppe",
                                    "control_emergency"], controls, strict=True))}
                for prefix, values in (("inherent_", inherent), ("residual_", residual)):
                    data.update(zip([f"{prefix}l", f"{prefix}e", f"{prefix}c"], _factors(method, values), strict=True))
                point = risks.save_point(None, ent, data)
                RiskPoint.objects.filter(pk=point.pk).update(is_demo=True)


def _standardization_story(rng, today: dt.date) -> None:
    S = Enterprise.StdStatus
    candidates = list(Enterprise.objects.filter(is_demo=True, std_status=S.NONE).order_by("id"))
    rng.shuffle(candidates)
    days_this_year = (today - dt.date(today.year, 1, 1)).days
    expiring, achieved = candidates[:6], candidates[6:6 + len(candidates) // 3]
    for ent, days_left in zip(expiring, (12, 25, 40, 60, 75, 88), strict=True):
        expiry = today + dt.timedelta(days=days_left)
        services.update_enterprise(None, ent, {
            "std_status": S.CERTIFIED, "std_grade": Enterprise.Grade.THIRD, "std_expiry_date": expiry,
            "std_certificate_date": services.add_years(expiry + dt.timedelta(days=1), -services.CERTIFICATE_YEARS)})
    for ent in achieved:
        day = dt.date(today.year, 1, 1) + dt.timedelta(days=rng.randint(0, days_this_year))
        services.update_enterprise(None, ent, {
            "std_status": S.CERTIFIED, "std_grade": rng.choice([Enterprise.Grade.THIRD] * 4 + [Enterprise.Grade.SECOND]),
            "std_certificate_date": day, "std_expiry_date": services.default_expiry(day)})
