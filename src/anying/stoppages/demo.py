"""Demo: a 非煤矿山 stopped for 3 months after a 一般 accident (the rule of 001), an enterprise
stopped over a major hazard that has applied to restart, and one restarted after its check."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anying.core.models import User
from anying.core.permissions import SYSTEM
from anying.hazards.models import Hazard
from anying.oversight.models import Accident
from anying.registry.models import Enterprise

from . import services
from .models import Stoppage

BASIS = "《中华人民共和国安全生产法》第六十五条、第一百零二条"


def load(rng) -> None:
    admin, yingji = User.objects.filter(username="admin").first(), User.objects.filter(username="yingji").first()
    if admin is None or yingji is None or Stoppage.objects.exists():
        return
    today = timezone.localdate()
    operating = Enterprise.objects.filter(is_demo=True, status=Enterprise.Status.OPERATING).select_related("industry")
    mine = operating.filter(industry__code="feimei").order_by("pk").first()
    if mine is not None:
        accident = Accident.objects.filter(enterprise=mine).first() or _accident(mine, today - dt.timedelta(days=20))
        services.order(yingji, mine, {"source": "accident", "accident": accident, "ordered_on": today - dt.timedelta(days=19),
                                      "reason": "发生一般生产安全事故（机械伤害，1人死亡）",
                                      "legal_basis": "区2022年安全生产工作要点：对发生一般事故的矿山，一律停产3个月",
                                      "requirements": "全面排查整治，完成事故整改措施，经验收合格后方可复产"})
    major = (Hazard.objects.filter(level=Hazard.Level.MAJOR, enterprise__status=Enterprise.Status.OPERATING,
                                   enterprise__is_demo=True).exclude(enterprise=mine).select_related("enterprise")
             .order_by("pk").first())
    if major is not None:
        s = services.order(yingji, major.enterprise, {
            "source": "hazard", "hazard": major, "ordered_on": max(today - dt.timedelta(days=12), major.found_on),
            "reason": f"存在重大事故隐患：{major.place}，{major.description[:60]}", "legal_basis": BASIS,
            "requirements": "停产停业整顿，消除重大事故隐患后申请复产验收"})
        user = User.objects.filter(unit_id=major.enterprise.organisation_id, is_active=True).first()
        actor = user if user is not None and user.has_perm_code("stoppages.apply") else SYSTEM
        from django.core.files.uploadedfile import SimpleUploadedFile

        services.step(actor, s.pk, "apply", data={"report": "已更换防爆电气设备，完成粉尘清扫和除尘系统改造，见附件照片。"},
                      files=[SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4\n% demo\n", content_type="application/pdf")])


def _accident(enterprise: Enterprise, day: dt.date) -> Accident:
    from anying.oversight import accidents
    from anying.standards.models import AccidentType

    kind = AccidentType.objects.filter(group="基本事故类型").order_by("pk").first()
    return accidents.record(SYSTEM, {
        "occurred_at": timezone.make_aware(dt.datetime.combine(day, dt.time(10, 30))), "place": "采场运输巷道",
        "enterprise": enterprise, "deaths": 1, "accident_type": kind,
        "summary": "运输车辆挤压1名作业人员，经抢救无效死亡。", "cause": "违章作业，现场安全管理缺失"}, is_demo=True)
