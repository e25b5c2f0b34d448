"""一企一档: the registry's own record tabs on the enterprise page — 风险点 and the history of its
standardization (core.hooks.EnterpriseTab, like the tabs the upper apps add)."""

from django.urls import reverse
from django.utils import timezone

from anying.core import audit
from anying.core.hooks import EnterpriseTab

from .models import Enterprise, RiskPoint

STD_FIELDS = ("std_status", "std_grade", "std_certificate_date", "std_expiry_date")
HISTORY_LIMIT = 500  # the page's own 变更记录 tab reads the last 200 events of all kinds


def risk_points(ent, user):
    return RiskPoint.objects.visible_to(user).current().filter(enterprise=ent).select_related("area") \
        .order_by("area__name", "id")


def std_history(ent, user):
    """The enterprise's audit events that changed its standardization (status, grade, dates),
    newest first; the enterprise itself is already known to be visible to `user`."""
    rows = []
    for event in audit.history(ent)[:HISTORY_LIMIT]:
        before, after = event.before or {}, event.after or {}
        if any(before.get(f) != after.get(f) for f in STD_FIELDS) and any(f in after for f in STD_FIELDS):
            event.std = after
            rows.append(event)
    return rows


def _choice(choices, value) -> str:
    return dict(choices).get(value, value or "—")


TABS = [
    EnterpriseTab("risks", "风险点", "registry.view", risk_points,
                  (("区域", lambda p: p.area.name), ("作业活动/设备设施", lambda p: p.activity),
                   ("风险等级", lambda p: p.get_level_display()), ("管控责任人", lambda p: p.responsible)),
                  lambda p: reverse("enterprise_risks", args=[p.enterprise_id]) + f"#point-{p.pk}", order=60,
                  empty="暂无风险点。"),
    EnterpriseTab("std_history", "标准化历程", "registry.view", std_history,
                  (("时间", lambda e: f"{timezone.localtime(e.at):%Y-%m-%d %H:%M}"),
                   ("标准化状态", lambda e: _choice(Enterprise.StdStatus.choices, e.std.get("std_status"))),
                   ("等级", lambda e: _choice(Enterprise.Grade.choices, e.std.get("std_grade"))),
                   ("证书有效期至", lambda e: e.std.get("std_expiry_date") or "—"),
                   ("说明", lambda e: e.summary or "—")),
                  lambda e: "?tab=history", order=80, empty="暂无标准化变更记录。"),
]
