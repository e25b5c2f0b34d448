"""The public pages of 12350 tips: the form, the receipt with code and PIN, the status page,
the enterprise name search and the QR code. No login; nothing internal is ever rendered here
(the status page gets only services.public_view)."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from anying.core import ratelimit
from anying.core.context import client_ip
from anying.core.http import apply_errors
from anying.core.links import absolute_url
from anying.registry.models import Enterprise

from . import services
from .forms import StatusForm, TipForm

RECEIPT = "tips_receipt"
SEARCH_LIMIT = ratelimit.Limit("tip_search", 120, 3600)
# the whole request: five photos at the limit, plus the text fields
MAX_REQUEST = (services.MAX_PHOTOS * settings.ANYING_TIP_MAX_PHOTO_MB + 1) * 1024 * 1024


def landing(request):
    """The home page of a visitor who is not signed in: report, track, or sign in."""
    return render(request, "tips/landing.html", {"form_url": absolute_url(request, reverse("tip_new"))})


def new(request):
    form = TipForm()
    if request.method == "POST":
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST:
            error = f"提交内容过大：照片最多 {services.MAX_PHOTOS} 张，每张不超过 {settings.ANYING_TIP_MAX_PHOTO_MB} MB"
            return render(request, "tips/public_form.html", {"form": form, "error": error}, status=413)
        form = TipForm(request.POST, request.FILES)
        if form.is_valid():
            if form.cleaned_data.get("website"):
                form.add_error(None, "提交失败，请稍后再试")  # a robot filled the honeypot: save nothing
                return render(request, "tips/public_form.html", {"form": form}, status=400)
            try:
                tip, pin = services.submit(None, form.service_data(), form.cleaned_data.get("photos") or [],
                                           address=client_ip(request) or "unknown")
            except ValidationError as exc:
                apply_errors(form, exc)
            except ratelimit.RateLimited as exc:
                form.add_error(None, exc.message)
                return render(request, "tips/public_form.html", {"form": form}, status=429)
            else:
                request.session[RECEIPT] = {"code": tip.display_code, "pin": pin}
                return redirect("tip_receipt")
        return render(request, "tips/public_form.html", {"form": form}, status=400)
    return render(request, "tips/public_form.html", {"form": form})


def receipt(request):
    """The code and PIN, shown once: the receipt is taken out of the session as it is shown."""
    found = request.session.pop(RECEIPT, None)
    if found is None:
        return redirect("tip_status")
    response = render(request, "tips/public_receipt.html", found)
    response["Cache-Control"] = "no-store"
    return response


def status(request):
    form = StatusForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    view, http_status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            tip = services.lookup(form.cleaned_data["code"], form.cleaned_data["pin"], address=client_ip(request))
            view = services.public_view(tip)
        except ratelimit.RateLimited as exc:
            form.add_error(None, exc.message)
            http_status = 429
        except ValidationError as exc:
            apply_errors(form, exc)
            http_status = 400
        except services.NotFound:
            form.add_error(None, "举报编号或查询密码不正确")
            http_status = 404
    response = render(request, "tips/public_status.html", {"form": form, "view": view}, status=http_status)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def enterprise_search(request):
    """Names of operating enterprises for the form's search (names are public; nothing else is)."""
    q = request.GET.get("enterprise_text", "").strip()
    found = []
    if len(q) >= 2:
        try:
            ratelimit.hit(SEARCH_LIMIT, client_ip(request) or "")
        except ratelimit.RateLimited:
            return HttpResponse("")
        found = list(Enterprise.objects.filter(Q(name__contains=q), status=Enterprise.Status.OPERATING)
                     .select_related("region").only("pk", "name", "region__name").order_by("name")[:8])
    return render(request, "tips/_enterprise_choices.html", {"found": found, "q": q})


@require_GET
def qr(request):
    url = absolute_url(request, reverse("tip_new"))
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=2)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
