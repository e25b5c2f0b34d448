"""The monitoring watch: what must happen every few seconds, not every few minutes — sensors
gone silent, unacknowledged alarms escalated, completed minutes rolled up, partitions made
ahead and expired ones dropped. `anying tick` runs it with everything else; `anying mqtt` and
`anying monitor` run it on their own beat (`--watch-every`, default 10 s), so offline detection
keeps within two reporting intervals of sensors that report every 10 s or slower."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import alarms, ingest, timeseries


def run(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    timeseries.prepare(now)
    changed = ingest.offline_scan(now)
    changed += alarms.escalate(now)
    changed += timeseries.rollup(now)
    if now.minute == 0 or not hasattr(run, "expired"):
        run.expired = True
        changed += timeseries.expire(now)
    return changed
