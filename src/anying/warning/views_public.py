"""What the public and the people called reach without an account: the acknowledgement link of
the SMS (叫应), the public page and CAP message of an issued warning, and the Atom feed that
aggregators (and other districts' systems) read. All rate-limited; only issued warnings."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from anying.core import ratelimit
from anying.core.context import client_ip
from anying.core.links import absolute_or_relative

from . import cap, delivery
from .models import Recipient, Warning
from .scope import PUBLISHED

ACK_LIMIT = ratelimit.Limit("warning_ack", 30, 60)
PUBLIC_LIMIT = ratelimit.Limit("warning_public", 120, 60)


def limited(request, limit) -> HttpResponse | None:
    try:
        ratelimit.hit(limit, client_ip(request) or "")
    except ratelimit.RateLimited as exc:
        return HttpResponse(exc.message, status=429, content_type="text/plain; charset=utf-8")
    return None


@never_cache
@csrf_exempt  # the link in an SMS opens on any phone, with no session; the key in the URL is the check
def ack(request, key):
    recipient = delivery.recipient_of(key)
    if recipient is None:
        # only wrong keys count against the address: a town's shared connection answering a red
        # warning together must never be refused
        if refused := limited(request, ACK_LIMIT):
            return refused
        raise Http404("链接无效")
    warning = recipient.warning
    done = recipient.acknowledged
    if request.method == "POST" and not done and warning.status == Warning.Status.ISSUED:
        done = delivery.acknowledge(recipient, Recipient.Via.LINK) or True
        recipient.refresh_from_db()
    return render(request, "warning/ack.html", {"recipient": recipient, "warning": warning, "done": done,
                                                "ended": warning.status != Warning.Status.ISSUED})


def _published(number: str) -> Warning:
    warning = Warning.objects.filter(number=number, status__in=PUBLISHED).select_related("unit").first()
    if warning is None:
        raise Http404("没有该预警")
    return warning


def public_page(request, number):
    if refused := limited(request, PUBLIC_LIMIT):
        return refused
    warning = _published(number)
    return render(request, "warning/public.html", {"warning": warning, "regions": warning.regions.order_by("path")})


def public_cap(request, number):
    if refused := limited(request, PUBLIC_LIMIT):
        return refused
    return HttpResponse(cap.to_xml(_published(number)), content_type="application/cap+xml; charset=utf-8")


def feed(request):
    """The warnings in force and those ended in the last 7 days, newest first (at most 100)."""
    if refused := limited(request, PUBLIC_LIMIT):
        return refused
    since = timezone.now() - timezone.timedelta(days=7)
    warnings = Warning.objects.filter(status__in=PUBLISHED, issued_at__gte=since).order_by("-issued_at")[:100]
    base = absolute_or_relative("/").rstrip("/")
    return HttpResponse(cap.feed_xml(warnings, base), content_type="application/atom+xml; charset=utf-8")
