"""一企一档: the enterprise page's 隐患 and 日周月排查 tabs (core.hooks.EnterpriseTab)."""

from django.urls import reverse

from anying.core.hooks import EnterpriseTab

from .models import Hazard, SelfInspectionRound


def _date(d) -> str:
    return f"{d:%Y-%m-%d}" if d else "—"


def hazards(ent, user):
    return Hazard.objects.visible_to(user).filter(enterprise=ent).order_by("-found_on", "-id")


def rounds(ent, user):
    return SelfInspectionRound.objects.visible_to(user).filter(enterprise=ent).select_related("schedule") \
        .order_by("-done_on", "-id")


# no 来源 (channel) column: an enterprise must not learn that a hazard came from a tip
TABS = [
    EnterpriseTab("hazards", "隐患", "registry.view", hazards,
                  (("发现日期", lambda h: _date(h.found_on)), ("隐患部位", lambda h: h.place),
                   ("等级", lambda h: h.get_level_display()), ("状态", lambda h: h.get_status_display()),
                   ("整改期限", lambda h: _date(h.deadline))),
                  lambda h: reverse("hazard_detail", args=[h.pk]), order=10, empty="暂无隐患记录。"),
    EnterpriseTab("self_inspections", "日周月排查", "registry.view", rounds,
                  (("排查日期", lambda r: _date(r.done_on)), ("排查", lambda r: r.schedule.name),
                   ("排查人员", lambda r: r.inspectors), ("发现隐患", lambda r: str(r.findings))),
                  lambda r: reverse("self_inspection_round", args=[r.pk]), order=50, empty="暂无排查记录。"),
]
