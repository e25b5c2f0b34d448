"""The 综合监管 dashboard page and its JSON (the API serves the same figures)."""

from django.shortcuts import render
from django.utils import timezone

from anying.core.views import perm_required

from . import dashboard


@perm_required("oversight.view")
def dashboard_page(request):
    today = timezone.localdate()
    data = dashboard.build(request.user, today)
    h = data["hazards"]
    chart = {"trend": data["trend"],
             "channels": [{"name": label, "value": n, "url": url} for _, label, n, url in h.channels if n]}
    trend = data["trend"]
    grades = data["accidents"]["by_grade"]
    data["accidents"]["serious_count"] = grades["larger"] + grades["major"] + grades["especially"]
    return render(request, "oversight/dashboard.html", {
        **data, "chart": chart, "trend_found": list(zip(trend["found"], trend["found_urls"], strict=True)),
        "trend_closed": list(zip(trend["closed"], trend["closed_urls"], strict=True))})
