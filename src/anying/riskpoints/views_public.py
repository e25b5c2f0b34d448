"""The public list behind a placard's QR code (挂牌公示, no login): the point, its three
responsible persons and monitors with their phones (published as the seed requires), the five
elements, and the households with names partly masked and no residents' phones. Rate-limited per
address; the address is a random token, never the record's id."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from anying.core import ratelimit
from anying.core.context import client_ip
from anying.core.masking import name as mask

from .models import DisasterRiskPoint

LIMIT = ratelimit.Limit("riskpoint_public", 120, 3600)


@require_GET
def public_list(request, token: str):
    try:
        ratelimit.hit(LIMIT, client_ip(request) or "")
    except ratelimit.RateLimited as exc:
        return render(request, "riskpoints/public.html", {"limited": exc.message}, status=429)
    point = (DisasterRiskPoint.objects.select_related("region", "admin_responsible", "dept_responsible",
                                                      "keeper_responsible", "plan__organiser", "plan__shelter")
             .filter(public_token=token).exclude(status=DisasterRiskPoint.Status.CLOSED).first())
    if point is None or len(token) > 24:
        raise Http404
    households = [{"head": mask(h.head), "address": h.address, "people": h.people, "vulnerable": h.vulnerable_text}
                  for h in point.household_rows.all()]
    return render(request, "riskpoints/public.html", {
        "point": point, "plan": getattr(point, "plan", None), "households": households,
        "people": sum(h["people"] for h in households), "monitors": point.monitors.filter(is_active=True)})
