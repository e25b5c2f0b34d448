"""Pickers: choose a record by searching for it, never by typing its database id (issue #13).

A picker is a `<select>` listing records of one kind that the user may see, with a search box
above it (components/record_picker.html). The page renders the most recent records into the
select, so it works without JavaScript; as the user types, htmx asks the picker's endpoint for
the matching ones (`respond`), which answers `<option>`s. Every list is built from the caller's
scoped queryset (`visible_to`), so nothing outside the user's scope is ever offered — and the
service that receives the chosen id checks the scope again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.shortcuts import render

LIMIT = 20
DATE = re.compile(r"^(\d{4})(?:[-./](\d{1,2}))?(?:[-./](\d{1,2}))?$")


def date_q(field_name: str, text: str) -> Q | None:
    """A typed year, month or day (2026, 2026-11, 2026-11-24, 2026年11月) as a range on a date field."""
    found = DATE.match(text.strip().replace("年", "-").replace("月", "-").replace("日", "").rstrip("-"))
    if not found:
        return None
    year, month, day = (int(g) if g else None for g in found.groups())
    try:
        if day:
            start = dt.date(year, month, day)
            return Q(**{field_name: start})
        if month:
            start = dt.date(year, month, 1)
            end = dt.date(year + (month == 12), month % 12 + 1, 1)
        else:
            start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    except ValueError:
        return None
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


@dataclass
class Picker:
    """One kind of record to pick. `scoped(user)` is the queryset the user may see (visible_to),
    already ordered newest first; `search(text)` the Q of records matching a typed text;
    `label(record)` the option's text; `filters` the GET parameters that narrow the list (name →
    field), e.g. the enterprise a tip is about."""

    scoped: Callable[[object], QuerySet]
    search: Callable[[str], Q]
    label: Callable[[object], str]
    filters: dict[str, str] = field(default_factory=dict)
    prefetch: tuple[str, ...] = ()

    def options(self, user, text: str = "", **narrow) -> list[tuple[int, str]]:
        qs = self.scoped(user)
        for name, value in narrow.items():
            if name in self.filters and str(value or "").isdigit():
                qs = qs.filter(**{self.filters[name]: int(value)})
        text = (text or "").strip()[:50]
        if text:
            qs = qs.filter(pk__in=qs.filter(self.search(text)).values("pk"))  # the search may join: no duplicates
        return [(r.pk, self.label(r)) for r in qs.prefetch_related(*self.prefetch)[:LIMIT]]


def respond(request, picker: Picker):
    """The search endpoint's answer: the `<option>`s matching ?q=… within the user's scope."""
    narrow = {name: request.GET.get(name) for name in picker.filters}
    options = picker.options(request.user, request.GET.get("q", ""), **narrow)
    return render(request, "components/record_picker_options.html",
                  {"options": options, "searched": bool(request.GET.get("q", "").strip())})
