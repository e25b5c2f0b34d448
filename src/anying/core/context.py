"""The current request's client address, available to services without threading it through
every call (the CLI and the worker have none)."""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def client_ip(request) -> str | None:
    # Behind a reverse proxy set ANYING_TRUST_X_FORWARDED_FOR=1 (see docs/operations.md).
    from django.conf import settings

    if settings.ANYING_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None
