"""The public pages (no login): a town's 张榜公示 of its winter-spring relief list — names partly
masked, the village, the aid and the amount, nothing else about a person (no ID number, no phone)
— with a form to send an objection while the notice runs; and the donations and relief funds in
the open. Rate-limited per address; a notice is reached by its random token, never its id."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from anying.core import masking, ratelimit
from anying.core.context import client_ip
from anying.core.http import error_text
from anying.core.permissions import SYSTEM

from . import reports, services
from .forms import ObjectionForm
from .models import Allocation, Application, Donation, Fund, FundUse, Notice

VIEW_LIMIT = ratelimit.Limit("relief_public", 240, 3600)
OBJECTION_LIMIT = ratelimit.Limit("relief_objection", 5, 3600)
SHOWN = (Application.Status.NOTICE, Application.Status.DECIDED, Application.Status.PAID)


def _limited(request, template: str):
    try:
        ratelimit.hit(VIEW_LIMIT, client_ip(request) or "")
    except ratelimit.RateLimited as exc:
        return render(request, template, {"limited": exc.message}, status=429)
    return None


@require_http_methods(["GET", "POST"])
def public_notice(request, token: str):
    limited = _limited(request, "relief/public_notice.html")
    if limited:
        return limited
    if len(token) > 24:
        raise Http404
    notice = Notice.objects.select_related("town", "round").filter(public_token=token).first()
    if notice is None:
        raise Http404
    today = services.today()
    form = ObjectionForm(request.POST or None)
    if request.method == "POST":
        try:
            ratelimit.hit(OBJECTION_LIMIT, client_ip(request) or "")
        except ratelimit.RateLimited as exc:
            messages.error(request, exc.message)
            return redirect("relief:public_notice", token=token)
        raw = request.POST.get("application", "")
        target = notice.applications.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() and len(raw) < 12 \
            else None
        if target is None or not form.is_valid():
            messages.error(request, "请选择异议对象并写明异议内容")
        else:
            try:
                services.record_objection(SYSTEM, target.pk, form.cleaned_data, public=True)
            except ValidationError as exc:  # told, nothing kept
                messages.error(request, error_text(exc))
            else:
                messages.success(request, "异议已收到，镇街将核实并答复")
        return redirect("relief:public_notice", token=token)
    rows = [{"pk": a.pk, "head": masking.name(a.head), "village": a.village.name, "members": a.members,
             "needs": a.needs_label, "amount": a.amount}
            for a in notice.applications.filter(status__in=SHOWN).select_related("village").order_by("village__path",
                                                                                                      "id")]
    return render(request, "relief/public_notice.html", {
        "notice": notice, "rows": rows, "running": notice.running(today), "form": form,
        "total": sum((r["amount"] for r in rows), 0)})


def public_open(request):
    """捐赠和救灾资金公开: receipts (donor names as given unless anonymous), allocations (household
    names masked), the funds allocated and used by town and their balances."""
    limited = _limited(request, "relief/public_open.html")
    if limited:
        return limited
    received = list(Donation.objects.select_related("directed_town").prefetch_related("lines__item")
                    .order_by("-received_on", "-id")[:200])
    allocations = [{"on": a.allocated_on, "number": a.donation.number, "town": a.town.name,
                    "household": masking.name(a.household), "amount": a.amount,
                    "goods": f"{a.item.name}{a.quantity.normalize():f}{a.item.uom}" if a.item else "",
                    "purpose": a.purpose}
                   for a in Allocation.objects.select_related("donation", "town", "item").order_by(
                       "-allocated_on", "-id")[:300]]
    return render(request, "relief/public_open.html", {
        "received": received, "allocations": allocations,
        "by_town": reports.funds_by_town(Fund.objects.all(), FundUse.objects.all())})
