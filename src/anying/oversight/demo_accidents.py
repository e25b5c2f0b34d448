"""Demo accidents in the demo district over this year and last: a 较大 accident closed more than
a year ago (its 回头看 is due), an enterprise with two fatal accidents this year (约谈), an
accident of an unregistered party and others at each stage. Recorded through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anying.core.models import Industry, Region, User
from anying.registry.models import Enterprise
from anying.standards.models import AccidentType

from . import accidents
from .models import Accident


def _type(name: str) -> AccidentType:
    return AccidentType.objects.get(group="基本事故类型", name=name)


@transaction.atomic
def load(rng) -> None:
    if Accident.objects.filter(is_demo=True).exists():
        return
    admin = User.objects.filter(username="admin").first()
    jiuxian = Region.objects.filter(name="旧县街道", level=Region.Level.TOWN).first()
    hufeng = Region.objects.filter(name="虎峰镇", level=Region.Level.TOWN).first()
    operating = Enterprise.objects.filter(is_demo=True, status=Enterprise.Status.OPERATING).order_by("pk")
    first = operating.filter(region=jiuxian).first()
    second = operating.filter(region=hufeng).first()
    if not (admin and jiuxian and hufeng and first and second) or not AccidentType.objects.exists():
        return
    now = timezone.now()
    start_of_year = timezone.make_aware(dt.datetime(timezone.localdate().year, 1, 1, 0, 0))

    def this_year(fraction: float) -> dt.datetime:
        return start_of_year + (now - start_of_year) * fraction

    def record(when: dt.datetime, **data) -> Accident:
        base = {"occurred_at": when, "reported_by": "企业负责人电话报告区应急局值班室", "unit": None}
        accident = accidents.record(admin, {**base, **data}, is_demo=True)
        return accident

    def close(accident: Accident, team: str, closed_after_days: int) -> None:
        occurred = timezone.localtime(accident.occurred_at).date()
        accidents.save_investigation(admin, accident.pk, {
            "team": team, "findings": "作业人员违章作业，现场安全管理缺失，安全防护措施未落实。",
            "enterprise_responsibility": "企业未落实全员安全生产责任制，安全教育培训不到位；对企业处以罚款，主要负责人给予处罚。",
            "supervision_responsibility": "属地镇街和行业主管部门日常检查流于形式，对相关监管人员进行约谈提醒并通报批评。",
            "measures": "全面开展隐患排查，完善操作规程，加强从业人员培训，落实现场监护。",
            "report_date": occurred + dt.timedelta(days=closed_after_days - 10)})
        accidents.close(admin, accident.pk, occurred + dt.timedelta(days=closed_after_days))

    # last year: a 较大 accident, closed more than a year ago → 回头看 due
    larger = record(now - dt.timedelta(days=470), enterprise=first, place="二号车间行车作业区",
                    accident_type=_type("起重致害"), deaths=3, serious_injuries=1, minor_injuries=2,
                    direct_loss=Decimal("4380000.00"),
                    summary="吊运钢构件时吊索具断裂，构件坠落砸中下方作业人员，造成 3 人死亡、1 人重伤、2 人轻伤。",
                    cause="吊索具超期使用且未检查，吊物下方违规站人。")
    close(larger, "区政府牵头，区应急局、区经信委、区公安局、区总工会、旧县街道组成事故调查组", 80)
    # last year: an unregistered party, closed recently (回头看 not yet due)
    record_party = record(now - dt.timedelta(days=300), party="个体建房户 张某", region=jiuxian,
                          industry=Industry.objects.filter(name="建设施工").first() or first.industry,
                          place="旧县街道某村民自建房", accident_type=_type("高处坠落"), deaths=1,
                          direct_loss=Decimal("1200000.00"), summary="自建房屋面施工时一名工人从脚手架坠落死亡。")
    close(record_party, "旧县街道牵头，区住房城乡建委、区应急局参加", 60)
    # this year: two fatal accidents at one enterprise → 约谈
    for fraction, kind, text in ((0.3, "机械致害", "清理冲床废料时未停机，右手被卷入，经抢救无效死亡。"),
                                 (0.8, "触电", "检修配电柜未断电挂牌，检修人员触电死亡。")):
        record(this_year(fraction), enterprise=second, place="生产车间", accident_type=_type(kind), deaths=1,
               direct_loss=Decimal("1560000.00"), summary=text)
    # this year: a non-fatal accident being investigated
    injured = record(this_year(0.6), enterprise=first, place="喷涂车间", accident_type=_type("灼烫"), deaths=0,
                     serious_injuries=2, minor_injuries=1, direct_loss=Decimal("350000.00"),
                     summary="调漆时稀释剂溅出遇明火，2 名工人被烧伤。")
    accidents.start_investigation(admin, injured.pk)
