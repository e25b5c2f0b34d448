"""The current request's client address, available to services without threading it through
every call (the CLI and the worker have none)."""

import ipaddress
from contextvars import ContextVar

from django.conf import settings

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or behind a trusted proxy (ANYING_TRUST_X_FORWARDED_FOR) the address the
    proxy appended last to X-Forwarded-For: earlier hops are whatever the client sent."""
    if settings.ANYING_TRUST_X_FORWARDED_FOR:
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        forwarded = _valid(hops[-1]) if hops[-1].strip() else None
        if forwarded:
            return forwarded
    return _valid(request.META.get("REMOTE_ADDR") or "")
