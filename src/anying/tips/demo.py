"""Demo tips in the demo district, one at each stage, so every page shows something real:
journey J5's tip (paint stored in a staircase) verified by the town, fined 50,000 元 and
rewarded 7,500 元; others waiting for dispatch, being verified (one overdue), not substantiated,
and a concealed-accident report. Handled through the services by the demo accounts."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anying.core import workflow
from anying.core.models import Organisation, Region, User
from anying.core.permissions import SYSTEM
from anying.hazards.models import Hazard
from anying.inspections import penalties
from anying.registry.models import Enterprise

from . import rewards, services
from .models import Tip

J5 = "相邻的喷涂车间把几十桶油漆和稀释剂堆放在宿舍楼的楼梯间里，晚上还有人在旁边抽烟，一旦着火楼上的人跑不出来。"


def _backdate(tip: Tip, days: int) -> None:
    """Demo tips arrive in the past, with the deadlines that date gives."""
    moved = timezone.now() - dt.timedelta(days=days)
    Tip.objects.filter(pk=tip.pk).update(received_at=moved, verify_due=tip.verify_due - dt.timedelta(days=days),
                                         reply_due=tip.reply_due - dt.timedelta(days=days), is_demo=True)
    workflow.timeline(tip).update(at=moved)
    tip.refresh_from_db()


def _submit(data: dict, days_ago: int) -> Tip:
    tip, _pin = services.submit(SYSTEM, data)
    _backdate(tip, days_ago)
    return tip


@transaction.atomic
def load(rng) -> None:
    if Tip.objects.filter(is_demo=True).exists():
        return
    town = Region.objects.filter(name="旧县街道", level=Region.Level.TOWN).first()
    office = Organisation.objects.filter(region=town, kind=Organisation.Kind.TOWN_OFFICE).first() if town else None
    inspector = User.objects.filter(username="jiuxian").first()
    admin, leader = User.objects.filter(username="admin").first(), User.objects.filter(username="leader").first()
    enterprise = Enterprise.objects.filter(is_demo=True, region=town, status=Enterprise.Status.OPERATING) \
        .order_by("pk").first() if town else None
    if not (office and inspector and admin and leader and enterprise):
        return
    _journey_j5(enterprise, office, inspector, admin, leader)
    others = Region.objects.filter(level=Region.Level.TOWN).exclude(pk=town.pk).order_by("path")
    hufeng = others.filter(name="虎峰镇").first() or others.first()
    _submit({"category": Tip.Category.MAJOR_HAZARD, "region": hufeng, "place": "虎峰镇工业园 3 号路尽头的小作坊",
             "description": "作坊夜间用液化气罐加热，没有任何通风，气罐就放在配电箱下面。", "anonymous": True}, 1)
    dispatched = _submit({"category": Tip.Category.ILLEGAL, "region": town, "place": "旧县街道河边废弃砖厂",
                          "description": "有人在废弃砖厂里私自开采石料并放炮，附近村民房子都有裂缝。", "anonymous": False,
                          "reporter_name": "张先生", "reporter_phone": "13800000001"}, 20)
    services.step(admin, dispatched.pk, "assign", unit=office, text="请属地核查")
    services.step(inspector, dispatched.pk, "start")
    wrong = _submit({"category": Tip.Category.HAZARD, "region": town, "place": "旧县街道菜市场旁边的加工厂",
                     "description": "工厂门口消防栓被货车挡住了好几天。", "anonymous": True}, 30)
    services.step(admin, wrong.pk, "assign", unit=office)
    services.step(inspector, wrong.pk, "start")
    services.step(inspector, wrong.pk, "conclude", substantiated=False,
                  text="现场核查：车辆为临时卸货停放，已当场移开，消防栓完好可用。")
    services.step(inspector, wrong.pk, "reply", text="经核查，消防栓前车辆为临时卸货停放，已当场移开，消防设施完好。感谢您的监督。")
    _submit({"category": Tip.Category.CONCEALED, "region": town, "place": "旧县街道某建筑工地",
             "description": "上个月工地有工人从脚手架上摔下来死了，老板私下赔钱没有上报。", "anonymous": True}, 3)


def _journey_j5(enterprise, office, inspector, admin, leader) -> None:
    today = timezone.localdate()
    tip = _submit({"category": Tip.Category.MAJOR_HAZARD, "region": enterprise.region, "place": "宿舍楼一楼楼梯间",
                   "description": J5, "enterprise_text": enterprise.name, "anonymous": True}, 25)
    services.step(admin, tip.pk, "assign", unit=office, text="请属地核查")
    services.step(inspector, tip.pk, "start")
    services.set_enterprise(inspector, tip.pk, enterprise)
    hazard = services.create_hazard(inspector, tip.pk, {
        "place": "宿舍楼一楼楼梯间", "description": "楼梯间堆放油漆、稀释剂约 40 桶，占用疏散通道", "level": Hazard.Level.GENERAL,
        "found_by": inspector.display_name, "found_on": today - dt.timedelta(days=22)})
    Hazard.objects.filter(pk=hazard.pk).update(is_demo=True)
    services.step(inspector, tip.pk, "conclude", substantiated=True,
                  text="现场核查属实：楼梯间堆放油漆、稀释剂约 40 桶。已责令立即清理，并立案处罚。")
    penalty = penalties.file_case(inspector, enterprise, {
        "party_name": enterprise.name, "facts": "在宿舍楼楼梯间储存油漆、稀释剂等危险物品，占用疏散通道。",
        "evidence": "现场检查记录、照片", "violated": "《中华人民共和国安全生产法》第四十二条",
        "legal_basis": "《中华人民共和国安全生产法》第一百零五条", "amount": Decimal("50000.00")},
        today=today - dt.timedelta(days=21))
    penalties.notify(inspector, penalty.pk, today=today - dt.timedelta(days=20))
    penalties.decide(inspector, penalty.pk, today=today - dt.timedelta(days=12))
    penalties.record_payment(inspector, penalty.pk, paid_on=today - dt.timedelta(days=5), paid_amount=Decimal("50000.00"))
    services.link(inspector, tip.pk, "penalty", penalty.pk)
    services.step(inspector, tip.pk, "reply", text="经核查，您反映的问题属实。已责令该单位立即清理楼梯间的油漆和稀释剂，"
                                                 "并依法处以罚款 50,000 元。感谢您对安全生产工作的支持。")
    services.step(admin, tip.pk, "close")
    rewards.propose(admin, tip.pk, "fine")
    rewards.decide(leader, tip.pk, True, "同意")
    rewards.pay(admin, tip.pk, paid_on=today, reference="演示-奖励-0001")
