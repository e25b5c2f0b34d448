"""The public pages (no login): the 严重失信主体名单 as published — a person's name masked and no
ID number — and the 行政处罚信息公示. Rate-limited per address, paged, searchable."""

from __future__ import annotations

from django.shortcuts import render

from anying.core import ratelimit
from anying.core.context import client_ip
from anying.core.listing import paginate, query_without

from . import reference
from .filters import NoticeFilter
from .models import Listing, PenaltyNotice

VIEW_LIMIT = ratelimit.Limit("credit_public", 240, 3600)
PER_PAGE = 30


def _limited(request, template: str):
    try:
        ratelimit.hit(VIEW_LIMIT, client_ip(request) or "")
    except ratelimit.RateLimited as exc:
        return render(request, template, {"limited": exc.message}, status=429)
    return None


def public_list(request):
    limited = _limited(request, "credit/public_list.html")
    if limited:
        return limited
    qs = (Listing.objects.filter(status=Listing.Status.PUBLISHED).select_related("enterprise", "decision_unit")
          .order_by("-published_on", "-id"))
    q = request.GET.get("q", "").strip()[:60]
    if q:
        qs = qs.filter(enterprise__name__icontains=q)
    return render(request, "credit/public_list.html", {
        "page": paginate(request, qs, PER_PAGE), "q": q, "qs_page": query_without(request, "page"),
        "years": reference.rule("listing_years")})


def public_penalties(request):
    limited = _limited(request, "credit/public_penalties.html")
    if limited:
        return limited
    flt = NoticeFilter.from_params(request.GET, request=request)
    qs = flt.apply(PenaltyNotice.objects.all()).order_by("-published_on", "-id")
    return render(request, "credit/public_penalties.html", {
        "page": paginate(request, qs, PER_PAGE), "flt": flt, "qs_page": query_without(request, "page")})
