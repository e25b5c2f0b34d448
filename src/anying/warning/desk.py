"""The warnings' part of the 值班台 (issue #17 point 6): warnings in force with their 叫应
progress, and the phone calls waiting for this desk."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from .models import CallTask, Warning
from .views import desk_q


def desk_panel(user, now):
    if not user.has_perm_code("warning.view"):
        return None
    shown = list(Warning.objects.visible_to(user).filter(status=Warning.Status.ISSUED, expires__gt=now)
                 .annotate(told=Count("recipients"),
                           acked=Count("recipients", filter=Q(recipients__acknowledged_at__isnull=False)))
                 .order_by("-issued_at")[:8])
    tone = {"red": "danger", "orange": "warning", "yellow": "warning", "blue": "primary"}
    rows = [{"text": w.headline, "url": reverse("warning:detail", args=[w.pk]), "badge": w.get_level_display(),
             "tone": tone[w.level], "note": f"叫应 {w.acked}/{w.told}" if w.told else "无叫应对象"} for w in shown]
    if user.has_perm_code("warning.call"):
        calls = (CallTask.objects.filter(outcome="", recipient__warning__status=Warning.Status.ISSUED,
                                         recipient__warning__in=Warning.objects.visible_to(user))
                 .filter(desk_q(user)).count())
        if calls:
            rows.insert(0, {"text": f"{calls} 人待电话叫应", "url": reverse("warning:calls"), "badge": "叫应",
                            "tone": "danger", "note": "两次短信未确认"})
    return {"title": "生效中的预警", "url": reverse("warning:list") + "?in_force=1", "rows": rows,
            "empty": "没有生效中的预警。"}
