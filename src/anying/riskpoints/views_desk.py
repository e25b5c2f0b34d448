"""The 值班台's panel of the risk points: evacuations in progress (households moved / total) and
the open points by threat level."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse

from .models import THREAT_RANK, DisasterRiskPoint, Evacuation, Threat

SHOWN = 8


def desk_panel(user, now):
    if not user.has_perm_code("riskpoints.view"):
        return None
    moving = list(Evacuation.objects.visible_to(user).exclude(status=Evacuation.Status.RETURNED)
                  .select_related("point", "town").order_by("status", "-started_at")[:SHOWN])
    rows = [{"text": f"{e.town.name} {e.point.name}", "url": reverse("evacuation_confirm", args=[e.pk]),
             "badge": f"{e.households_moved}/{e.households_total} 户",
             "tone": "success" if e.status == Evacuation.Status.DONE else "danger",
             "note": f"{e.get_status_display()} · 已转移 {e.people_moved}/{e.people_total} 人"} for e in moving]
    counts = dict(DisasterRiskPoint.objects.visible_to(user).exclude(status=DisasterRiskPoint.Status.CLOSED)
                  .order_by().values_list("threat").annotate(n=Count("id")))
    by_threat = "，".join(f"{Threat(t).label} {counts[t]}" for t in sorted(counts, key=lambda t: -THREAT_RANK[t]))
    rows.append({"text": "在册风险点（按险情等级）", "url": reverse("riskpoint_list"), "badge": str(sum(counts.values())),
                 "tone": "info", "note": by_threat or "无"})
    return {"title": "转移避险与风险点", "url": reverse("evacuation_list"), "rows": rows,
            "empty": "没有正在进行的转移。"}
