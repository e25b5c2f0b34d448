"""The home page (工作台): the user's work across every module (core/workqueue.py), then the
figures of the user's own scope, each linking to the records behind it."""

from datetime import timedelta

from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone

from anying.core import workqueue
from anying.core.permissions import is_enterprise_user
from anying.registry.models import Enterprise


def home(request):
    """Signed in: the user's figures. Not signed in: the public landing (report a tip, track it,
    or sign in), so the 12350 form is one tap from the site's address."""
    if not request.user.is_authenticated:
        from anying.tips.public import landing

        return landing(request)
    user = request.user
    if is_enterprise_user(user):
        ent = Enterprise.objects.visible_to(user).first()
        if ent is not None:
            return redirect("enterprise_detail", pk=ent.pk)
    today = timezone.localdate()
    work = work_cards(user, today)
    if not user.has_perm_code("registry.view"):
        return render(request, "home.html", {"figures": None, **_work(work)})
    soon = today + timedelta(days=90)
    S = Enterprise.StdStatus
    qs = Enterprise.objects.visible_to(user)
    figures = qs.aggregate(
        total=Count("id"),
        operating=Count("id", filter=Q(status=Enterprise.Status.OPERATING)),
        certified=Count("id", filter=Q(std_status=S.CERTIFIED)),
        applying=Count("id", filter=Q(std_status=S.APPLYING)),
        none=Count("id", filter=Q(std_status=S.NONE)),
        expired=Count("id", filter=Q(std_status=S.EXPIRED)),
        expiring=Count("id", filter=Q(std_status=S.CERTIFIED, std_expiry_date__range=(today, soon))),
        above=Count("id", filter=Q(scale=Enterprise.Scale.ABOVE)),
    )
    figures["rate"] = round(100 * figures["certified"] / figures["total"], 1) if figures["total"] else 0
    by_region = list(qs.values("region_id", "region__name").annotate(
        n=Count("id"), certified=Count("id", filter=Q(std_status=S.CERTIFIED))).order_by("-n")[:12])
    by_industry = list(qs.values("industry_id", "industry__name").annotate(n=Count("id")).order_by("-n")[:10])
    return render(request, "home.html", {"figures": figures, "by_region": by_region, "by_industry": by_industry,
                                         "soon": soon, "can_oversee": user.has_perm_code("oversight.view"),
                                         **_work(work)})


def _work(work: list[dict]) -> dict:
    """The cards with work, and the kinds without any named on one line."""
    return {"work": work, "work_total": sum(w["n"] for w in work),
            "work_idle": [w["source"].label for w in work if not w["n"]]}


def work_cards(user, today) -> list[dict]:
    """工作台: one card per kind of work the user's role has (core/workqueue.py), with how many
    wait and how many are overdue, each linking to that part of 待办."""
    counts = workqueue.counts(user, today)
    return [{"source": s, **counts[s.key]} for s in workqueue.sources_for(user)]
