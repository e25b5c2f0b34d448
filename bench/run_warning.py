"""Warnings at the issue's scale (issue #17 "Speed"): a red warning over the whole district reaching
20,000 people of the 责任人名册 (spread over the towns and 300 villages), then measured:

- issuing it: the recipients computed from the area (one per phone, roles joined), the 叫应 ledger
  written and 20,000 first SMS queued, with the towns' measure tasks, in one transaction: < 10 s;
- one tick of the 叫应 clock over the 20,000 silent recipients (second channel: 20,000 SMS), and
  the next (20,000 call tasks on the towns' desks): each < 10 s;
- the warning page with its per-town 叫应 progress, and the SMS outbox sending a batch.

    createdb -h 127.0.0.1 -U postgres anying_warning_bench
    ANYING_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anying_warning_bench .venv/bin/python bench/run_warning.py
    ANYING_DATA_DIR=/tmp/bench-warning .venv/bin/python bench/run_warning.py

The first run migrates, loads the demo district's accounts and generates the roster; each run
issues a fresh warning and measures. Prints Markdown and writes bench/out/warning-<db>-<timestamp>.json.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from datetime import datetime

import common

PEOPLE, VILLAGES = 20_000, 300
TARGETS = {"issue (recipients + ledger + SMS queued)": 10_000, "escalation tick 1 (second SMS)": 10_000,
           "escalation tick 2 (call tasks)": 10_000}


def generate() -> None:
    from django.db import transaction

    from anying.core.models import Organisation, Region
    from anying.warning.models import Contact

    rng = random.Random(17)
    district = Region.objects.get(name="铜梁区", level=Region.Level.DISTRICT)
    towns = list(Region.objects.filter(parent=district, level=Region.Level.TOWN))
    with transaction.atomic():
        villages = []
        for n in range(VILLAGES):
            town = towns[n % len(towns)]
            villages.append(Region(name=f"压测村{n:03d}", level=Region.Level.VILLAGE, parent=town, sort=n,
                                   path=""))
        for v in villages:  # paths come from save(); 300 rows
            v.save()
        units = dict(Organisation.objects.filter(kind=Organisation.Kind.TOWN_OFFICE).values_list("region_id", "pk"))
        roles = [r for r, _ in Contact.Role.choices]
        rows = []
        for n in range(PEOPLE):
            village = villages[n % VILLAGES]
            rows.append(Contact(name=f"压测{n:05d}", phone=f"17{n:09d}", region=village, role=rng.choice(roles),
                                families=rng.choice(["general", "flood,geological", "flood"]),
                                unit_id=units.get(village.parent_id)))
        Contact.objects.bulk_create(rows, batch_size=5000)
    print(f"generated {PEOPLE:,} contacts in {VILLAGES} villages")


def main() -> None:
    common.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from anying.core import demo as core_demo
    from anying.core.models import Organisation, Region, User
    from anying.core.permissions import SYSTEM
    from anying.warning import delivery, services, sms
    from anying.warning.models import CallTask, Contact, Recipient, SmsMessage, Warning

    if not User.objects.filter(username="admin").exists():
        core_demo.load(random.Random(1))
    if not Contact.objects.filter(name__startswith="压测").exists():
        generate()
    Warning.objects.filter(status=Warning.Status.ISSUED).update(status=Warning.Status.EXPIRED)  # earlier runs
    district = Region.objects.get(name="铜梁区", level=Region.Level.DISTRICT)
    bureau = Organisation.objects.get(name="区应急局")
    now = timezone.now()
    draft = services.save_draft(SYSTEM, Warning(
        kind="rainstorm", level="red", agency="铜梁区气象台", unit=bureau, headline="压测：暴雨红色预警",
        description="全区", onset=now, expires=now + dt.timedelta(hours=12)), [district])
    services.act(SYSTEM, draft.pk, "submit")
    results = {}

    def timed(label, fn):
        started = time.perf_counter()
        out = fn()
        results[label] = {"ms": (time.perf_counter() - started) * 1000, "result": out}
        return out

    sms_before = SmsMessage.objects.count()
    timed("issue (recipients + ledger + SMS queued)", lambda: services.act(SYSTEM, draft.pk, "issue").pk)
    told = Recipient.objects.filter(warning=draft).count()
    queued = SmsMessage.objects.count() - sms_before
    t0 = timezone.now()
    timed("escalation tick 1 (second SMS)", lambda: delivery.escalate_due(t0 + dt.timedelta(minutes=6)))
    timed("escalation tick 2 (call tasks)", lambda: delivery.escalate_due(t0 + dt.timedelta(minutes=12)))
    calls = CallTask.objects.filter(recipient__warning=draft).count()
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    client.get(f"/warnings/{draft.pk}/")
    timed("warning page with 叫应 progress per town (admin)",
          lambda: client.get(f"/warnings/{draft.pk}/").status_code)
    timed("SMS outbox: send a batch of 500 (logging gateway)", lambda: sms.send_due(batch=500))
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    db = common.db_label()
    print(f"\n## Warnings — {db} — {told:,} recipients ({Contact.objects.count():,} in the roster), "
          f"{queued:,} SMS queued at issue, {calls:,} call tasks\n")
    print("| case | ms | target ms | |\n|---|---:|---:|---|")
    for label, r in results.items():
        target = TARGETS.get(label)
        verdict = "" if target is None else ("✓" if r["ms"] < target else "✗")
        print(f"| {label} | {r['ms']:.0f} | {target or '—'} | {verdict} |")
    common.OUT_DIR.mkdir(exist_ok=True)
    out = common.OUT_DIR / f"warning-{db}-{stamp}.json"
    out.write_text(json.dumps({"db": db, "recipients": told, "sms_queued": queued, "calls": calls,
                               "results": results, "vendor": connection.vendor}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
