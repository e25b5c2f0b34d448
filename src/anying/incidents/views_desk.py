"""The duty desk screen (值班台, issue #15 point 7): one page for the 值班员 — who is on duty here and
above, the open incidents with their next report due and its countdown, recent tips, the 1-hour
arrival rate, and a map of the incidents with the nearest teams and warehouses."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, OuterRef, Q, Subquery
from django.shortcuts import render
from django.utils import timezone

from anying.core.models import Organisation
from anying.core.scope import ancestor_paths, unit_region_path
from anying.core.views import perm_required

from . import response
from .models import Due, Incident
from .models_response import Dispatch

SHOWN = 50
MAP_LAYERS = {"incidents", "rescue_teams", "warehouses"}


def _desk_units(user) -> list[Organisation]:
    """The user's own desk and the receiving desks above it (the district's 区应急局)."""
    if not user.unit_id:
        return []
    from .models import DeskSetting

    above = DeskSetting.objects.filter(region__path__in=ancestor_paths(unit_region_path(user))).values("unit_id")
    return list(Organisation.objects.filter(Q(pk=user.unit_id) | Q(pk__in=above)))


def open_incidents(user, now):
    """The open incidents the user sees, the most urgent first: by the earliest unmet deadline (overdue
    ones on top), then the newest without any."""
    next_due = Due.objects.filter(incident=OuterRef("pk"), met_at__isnull=True, cancelled=False) \
        .order_by("due_at").values("due_at")[:1]
    return (Incident.objects.visible_to(user).filter(status=Incident.Status.OPEN)
            .annotate(next_due=Subquery(next_due))
            .select_related("region", "unit").order_by(F("next_due").asc(nulls_last=True), "-occurred_at"))


# Panels an upper app adds to the 值班台 (monitoring's unhandled alarms): panel(user, now) returns
# None or {"title", "url", "rows": [{"text", "url", "badge", "tone", "note"}], "empty"}.
DESK_PANELS: list = []


@perm_required("incidents.view")
def desk(request):
    from anying.duty import services as duty
    from anying.places.views import around, map_config

    user = request.user
    now = timezone.now()
    units = _desk_units(user)
    people = list(duty.on_duty([u.pk for u in units], now).order_by("shift__unit_id", "post__order"))
    qs = open_incidents(user, now)
    shown = list(qs[:SHOWN])
    total = qs.count() if len(shown) == SHOWN else len(shown)
    overdue = sum(1 for i in shown if i.next_due and i.next_due < now)
    for i in shown:
        if i.next_due:
            i.left = int((i.next_due - now).total_seconds() // 60)
    located = next((i for i in shown if i.latitude is not None), None)
    config, layers = map_config(user, MAP_LAYERS, extent=around(float(located.latitude), float(located.longitude), 8)
                                if located else None)
    tips = []
    if user.has_perm_code("tips.view"):
        from anying.tips.models import Tip

        tips = list(Tip.objects.visible_to(user).filter(received_at__gte=now - dt.timedelta(days=7))
                    .select_related("region").order_by("-received_at")[:8])
    year_start = timezone.localtime(now).replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    serious = Dispatch.objects.visible_to(user).filter(incident__grade__in=["major", "especially"],
                                                       incident__is_exercise=False, ordered_at__gte=year_start)
    every = Dispatch.objects.visible_to(user).filter(incident__is_exercise=False, ordered_at__gte=year_start)
    below = []
    if user.unit_id:  # what the desks below owe (the district sees what is due from whom)
        from . import services

        below = [services.countdown(d, now) for d in
                 Due.objects.filter(met_at__isnull=True, cancelled=False, incident__status=Incident.Status.OPEN,
                                    desk__unit__region__path__startswith=unit_region_path(user),
                                    incident__in=Incident.objects.visible_to(user))
                 .exclude(desk__unit_id=user.unit_id).select_related("incident", "desk__unit", "rule")
                 .order_by("due_at")[:20]]
    panels = [p for p in (panel(user, now) for panel in DESK_PANELS) if p]
    return render(request, "incidents/desk.html", {"below": below, "panels": panels,
        "units": units, "people": people, "incidents": shown, "total": total, "overdue": overdue, "now": now,
        "config": config, "layers": layers, "tips": tips, "arrival_serious": response.arrival_rate(serious),
        "arrival_all": response.arrival_rate(every), "arrival_target": _arrival_target(),
        "can_take": user.has_perm_code("incidents.take")})


def _arrival_target():
    from anying.rescue import rules

    return rules.targets().get("arrival_1h_rate")
