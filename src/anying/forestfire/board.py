"""The 森林防火 picture: today's level per town, the checkpoints (on duty? entries, still inside),
open fire reports and the year's burnt-area rate — as a page and as a 值班台 panel."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from anying.core.models import Region

from . import reference, services
from .models import Checkpoint, FireReport


def towns(user):
    from anying.core.scope import region_subtree_q

    return list(Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(user, "")).order_by("path"))


def checkpoint_days(user, day=None):
    cps = list(Checkpoint.objects.visible_to(user).filter(is_active=True).select_related("place__region"))
    return services.checkpoint_days(cps, day or timezone.localdate())


def open_reports(user):
    return FireReport.objects.visible_to(user).filter(status=FireReport.Status.REPORTED).select_related("town")


def desk_panel(user, now):
    """The 值班台's panel: open fire reports first, then each checkpoint's day."""
    if not user.has_perm_code("forestfire.view"):
        return None
    rows = []
    for r in open_reports(user).order_by("-reported_at")[:5]:
        rows.append({"text": f"火情待核查：{r.town.name}{r.place}", "url": reverse("forestfire:report_detail", args=[r.pk]),
                     "badge": r.get_source_display(), "tone": "danger",
                     "note": f"{timezone.localtime(r.reported_at):%m-%d %H:%M}"})
    for d in checkpoint_days(user, timezone.localdate(now))[:8]:
        level = d.danger
        note = [f"今日进山 {d.entries} 起 {d.people} 人", f"未下山 {d.inside} 人次"]
        if d.after_dark:
            note.append(f"天黑未下山 {d.after_dark}")
        note.append("值守：" + ("、".join(c.name for c in d.on_duty) if d.on_duty else "无人"))
        rows.append({"text": d.checkpoint.place.name, "url": reverse("forestfire:checkpoint_detail",
                                                                     args=[d.checkpoint.pk]),
                     "badge": level.label if level else "未发布火险", "tone": "danger" if d.duty_missing
                     else ("warning" if d.required else "secondary"),
                     "note": ("缺值守！ " if d.duty_missing else "") + " · ".join(note)})
    return {"title": "森林防火（今日火险、检查站、火情）", "url": reverse("forestfire:board"), "rows": rows,
            "empty": "没有检查站和待核查的火情。"}


def level_rows(user, day=None):
    """Today's level of each town of the territory (its own, or the district's forecast)."""
    day = day or timezone.localdate()
    ts = towns(user)
    levels = services.levels_on({t.pk: t.path for t in ts}, day)
    return [(t, reference.level(levels.get(t.pk))) for t in ts]
