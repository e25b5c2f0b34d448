"""The public pages of 森林防火 (no login): the 进山扫码 form of a checkpoint (reached by its QR
token), the visitor's receipt with the 下山 button, 下山 by phone, and the public board of a
region's forest 责任人 (公示牌). Nothing internal is rendered here."""

from __future__ import annotations

import io

import segno
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from anying.core import ratelimit
from anying.core.context import client_ip
from anying.core.http import apply_errors
from anying.core.links import absolute_url
from anying.core.models import Region

from . import entry, reference, services
from .forms import MountainEntryForm, MountainOutForm
from .models import Responsibility

MAX_REQUEST = 16 * 1024


def _context(cp, level):
    return {"cp": cp, "danger": reference.level(level), "required": services.required(level),
            "threshold": reference.checkpoint_level()}


def _errors(form, exc: ValidationError | None = None) -> dict:
    """Field → messages, with the form-wide ones under "all" (the template writes fields by hand)."""
    if exc is not None:
        apply_errors(form, exc)
    errors = {k: list(v) for k, v in form.errors.items()}
    errors["all"] = errors.pop("__all__", [])
    return errors


PLEDGE = MountainEntryForm.base_fields["pledge"].label


def enter(request, token: str):
    """The 进山扫码 form. Written out by hand in its template (no widget rendering) and read with
    two queries: it must stay fast with a crowd at the barrier."""
    cp = entry.by_token(token)
    if cp is None:
        raise Http404("检查站不存在或已停用")
    level = entry.today_level(cp)
    values, errors, status = {"fire_source": "none", "people": 1}, {}, 200
    if request.method == "POST":
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST:
            return HttpResponse("提交内容过大", status=413)
        form = MountainEntryForm(request.POST)
        values = {k: request.POST.get(k, "") for k in ("name", "phone", "id_number", "people", "purpose",
                                                        "fire_source", "pledge")}
        status = 400
        if not form.is_valid():
            errors = _errors(form)
        elif form.cleaned_data.get("website"):
            errors = {"all": ["提交失败，请稍后再试"]}  # a robot filled the honeypot: save nothing
        else:
            try:
                e = entry.register(cp, form.cleaned_data, client_ip(request) or "unknown")
            except ValidationError as exc:
                errors = _errors(form, exc)
            except ratelimit.RateLimited as exc:
                errors, status = {"all": [exc.message]}, 429
            else:
                response = redirect("forestfire:public_done", token=token)
                keys = [k for k in request.COOKIES.get(entry.COOKIE, "").split(".") if k][-4:]
                response.set_cookie(entry.COOKIE, ".".join([*keys, e.out_key]), max_age=2 * 86400,
                                    httponly=True, samesite="Lax", secure=request.is_secure())
                return response
    response = render(request, "forestfire/public_entry.html", {
        "values": values, "errors": errors, "purposes": reference.PURPOSES, "fire_sources": reference.FIRE_SOURCES,
        "pledge": PLEDGE, **_context(cp, level)}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _mine(request):
    """The entries of this phone (the keys its cookie holds), newest first, in one query."""
    keys = [k for k in request.COOKIES.get(entry.COOKIE, "").split(".") if k and len(k) <= 32][-5:]
    return entry.open_entries(keys)


def done(request, token: str):
    """The visitor's own entries (from the cookie) with the 下山登记 button."""
    cp = entry.by_token(token)
    if cp is None:
        raise Http404("检查站不存在或已停用")
    response = render(request, "forestfire/public_done.html", {"mine": _mine(request), "now": timezone.now(),
                                                               **_context(cp, entry.today_level(cp))})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def leave(request, token: str):
    cp = entry.by_token(token)
    if cp is None:
        raise Http404("检查站不存在或已停用")
    key = request.POST.get("key", "")
    if key not in request.COOKIES.get(entry.COOKIE, "").split("."):
        key = ""
    try:
        e = entry.check_out(key, client_ip(request) or "unknown")
    except (ValidationError, ratelimit.RateLimited) as exc:
        return render(request, "forestfire/public_done.html", {
            "mine": _mine(request), "error": "；".join(getattr(exc, "messages", [str(exc)])),
            **_context(cp, entry.today_level(cp))}, status=400)
    return render(request, "forestfire/public_out.html", {"done": 1, "entry": e, **_context(cp, None)})


@require_POST
def leave_by_phone(request, token: str):
    cp = entry.by_token(token)
    if cp is None:
        raise Http404("检查站不存在或已停用")
    form = MountainOutForm(request.POST)
    ctx = _context(cp, entry.today_level(cp))
    ctx["out_values"] = {"phone": request.POST.get("phone", ""), "last4": request.POST.get("last4", "")}
    if form.is_valid():
        try:
            n = entry.check_out_by_phone(form.cleaned_data["phone"], form.cleaned_data["last4"],
                                         client_ip(request) or "unknown")
            return render(request, "forestfire/public_out.html", {"done": n, **ctx})
        except ValidationError as exc:
            apply_errors(form, exc)
        except ratelimit.RateLimited as exc:
            form.add_error(None, exc.message)
    ctx["out_errors"] = _errors(form)
    return render(request, "forestfire/public_done.html", {"mine": _mine(request), **ctx}, status=400)


@require_GET
def qr(request, token: str):
    cp = entry.by_token(token)
    if cp is None:
        raise Http404
    buffer = io.BytesIO()
    segno.make(absolute_url(request, reverse("forestfire:public_entry", args=[token])), error="m") \
        .save(buffer, kind="svg", scale=8, border=2)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@require_GET
def board(request, region_id: int):
    """公示牌: the forest 三个责任人 and the zone chain of a region and the regions below it —
    names, duties and phones, public by design (seed 001「并设公示牌，公开监督」)."""
    region = get_object_or_404(Region, pk=region_id, level__in=[Region.Level.DISTRICT, Region.Level.TOWN,
                                                                 Region.Level.VILLAGE])
    rows = list(Responsibility.objects.filter(region__path__startswith=region.path, contact__is_active=True)
                .select_related("region", "contact").order_by("region__path", "kind")[:500])
    groups: dict = {}
    for r in rows:
        groups.setdefault(r.region, []).append(r)
    return render(request, "forestfire/public_board.html", {"region": region, "groups": groups,
                                                            "three": Responsibility.THREE})
