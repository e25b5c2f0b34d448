"""Rate limits for public actions (tip-offs, status lookups) without outside services.

Each counted request is a row in `RateLimitHit`; a limit is "at most N in the last W seconds"
per bucket and key. Keys (an address, a tracking code) are stored as an HMAC with the site's
secret, so the table cannot be read back into who asked for what. `anying tick` deletes hits
older than a day."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import RateLimitHit

KEEP = dt.timedelta(days=1)


@dataclass(frozen=True)
class Limit:
    bucket: str
    count: int
    seconds: int

    @property
    def label(self) -> str:
        minutes = self.seconds // 60
        return f"{minutes // 60} 小时" if minutes >= 60 and minutes % 60 == 0 else f"{minutes} 分钟"


class RateLimited(Exception):
    def __init__(self, limit: Limit):
        self.limit = limit
        super().__init__(f"操作过于频繁：{limit.label}内最多 {limit.count} 次，请稍后再试")

    @property
    def message(self) -> str:
        return str(self)


def _key(raw: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), (raw or "-").encode(), hashlib.sha256).hexdigest()


def used(limit: Limit, raw_key: str, now: dt.datetime | None = None) -> int:
    since = (now or timezone.now()) - dt.timedelta(seconds=limit.seconds)
    return RateLimitHit.objects.filter(bucket=limit.bucket, key=_key(raw_key), at__gt=since).count()


def check(limit: Limit, raw_key: str) -> None:
    """Raises RateLimited when the key has used up its limit; counts nothing."""
    if used(limit, raw_key) >= limit.count:
        raise RateLimited(limit)


@transaction.atomic
def hit(limit: Limit, raw_key: str) -> None:
    """Counts one request, or raises RateLimited (and counts nothing) when over the limit."""
    check(limit, raw_key)
    RateLimitHit.objects.create(bucket=limit.bucket, key=_key(raw_key))


def clear(limit: Limit, raw_key: str) -> None:
    RateLimitHit.objects.filter(bucket=limit.bucket, key=_key(raw_key)).delete()


def purge(now: dt.datetime | None = None) -> int:
    """The tick's job: old hits count for nothing."""
    deleted, _ = RateLimitHit.objects.filter(at__lt=(now or timezone.now()) - KEEP).delete()
    return deleted
