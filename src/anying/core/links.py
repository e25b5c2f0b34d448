"""Absolute addresses the product prints or encodes in a QR code: an enterprise's 公示牌, the 12350
poster and landing page, a draw's public page, links in e-mails and robot messages.

They must be the address people outside reach. With ANYING_PUBLIC_URL set they all use it, not
the host the clerk happened to type (127.0.0.1 on the server itself, an intranet name) — a poster
printed from the server's own browser would otherwise carry a QR code nobody can open. Unset,
they follow the request's host (the demo, a single office)."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings


def public_base() -> str:
    """The configured public address without a trailing slash, or "" when not configured."""
    return settings.ANYING_PUBLIC_URL


def absolute_url(request, path: str) -> str:
    """`path` (from reverse()) as a full address: the public one when configured, else the request's."""
    base = public_base()
    if base:
        return base + path
    return request.build_absolute_uri(path)


def absolute_or_relative(path: str) -> str:
    """For messages sent outside a request (e-mail): full when the public address is known."""
    if path.startswith("/") and public_base():
        return public_base() + path
    return path


def local_address(url: str) -> str:
    """The host when `url` is an address only the server itself opens (127.0.0.1, localhost,
    ::1), else "": a QR code or printed address of it is useless on paper, so pages that print
    one warn the clerk (core/_local_address_warning.html)."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return host
    try:
        return host if ipaddress.ip_address(host).is_loopback else ""
    except ValueError:
        return ""
