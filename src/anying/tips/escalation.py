"""The tips' deadline clocks (core.clock): verification and reply. The deadlines themselves
come from the jurisdiction's TipRules (rules.py); what happens once they pass is the clocks'
ladder, data per region like every clock. A tip is overdue the day after its deadline
(Asia/Shanghai dates); its unit and the 12350 desk hear of it once per rung."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db.models import Q
from django.urls import reverse

from anying.core import clock, recipients
from anying.core.clock import Clock

from .models import Tip
from .workflow import OPEN_FOR_REPLY, OPEN_FOR_VERIFY

DATA = Path(__file__).resolve().parent / "data"


def overdue_q(today: dt.date):
    return (Q(status__in=OPEN_FOR_VERIFY, verify_due__lt=today) | Q(status__in=OPEN_FOR_REPLY, reply_due__lt=today))


def _desk_and_unit(tips: list) -> dict:
    """The 12350 desk over each tip's place and the handlers of its unit, once per place and unit."""
    desks = {region: recipients.over(region, "tips.assign") for region in {t.region_id for t in tips}}
    handlers = {unit: recipients.members([unit], "tips.handle") for unit in {t.unit_id for t in tips if t.unit_id}}
    return {t.pk: list({u.pk: u for u in desks[t.region_id] + handlers.get(t.unit_id, [])}.values()) for t in tips}


def _clock(name: str, label: str, due: str, states, csv_name: str) -> Clock:
    return clock.register(Clock(
        name=name, label=label, model=Tip, due=due, open=Q(status__in=states), defaults=DATA / csv_name,
        fields=("status", "code", "place", "category", "unit_id"), recipients=_desk_and_unit,
        describe=lambda tip: f"{tip.display_code} {tip.place}", url=lambda tip: reverse("tip_detail", args=[tip.pk])))


VERIFY = _clock("tip_verify", "举报核查期限", "verify_due", OPEN_FOR_VERIFY, "verify_clock.csv")
REPLY = _clock("tip_reply", "举报答复期限", "reply_due", OPEN_FOR_REPLY, "reply_clock.csv")


def run(now: dt.datetime | None = None) -> int:
    """The tip clocks alone (tests); `anying tick` runs every clock."""
    return clock.run(now, [VERIFY, REPLY])
