"""What the registers above `campaigns` plug into a campaign's statistics (it never imports them).

A `Counter` counts the records of one kind tagged with a campaign, in a date range, by region:
`count(user, campaign, start, end) -> {region id: number}`, scoped to what `user` may see (the
caller folds the regions into the table's rows). `group` puts the column under the campaign's
self-check or enforcement heading; a `Rate` is a share of two counters (整改率)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Counter:
    key: str
    label: str
    group: str  # "企业自查" / "政府执法"
    order: int
    count: Callable
    unit: str = ""


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    part: str  # counter keys
    whole: str
    order: int


COUNTERS: dict[str, Counter] = {}
RATES: dict[str, Rate] = {}


def register_counter(*counters: Counter) -> None:
    for counter in counters:
        COUNTERS[counter.key] = counter


def register_rate(*rates: Rate) -> None:
    for rate in rates:
        RATES[rate.key] = rate


# demo: fn(campaign) tags some of an app's demo records with the demo campaign
DEMO_TAGGERS: list[Callable] = []
