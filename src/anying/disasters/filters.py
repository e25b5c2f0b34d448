"""Filters of the event list (page and API)."""

from __future__ import annotations

from django.db.models import Q

from anying.core.filters import ChoiceFilter, ListFilter, TextFilter, YearFilter

from .models import Event, Kind


class EventFilter(ListFilter):
    q = TextFilter(label="名称或编号", method="search", help_text="灾害过程名称或灾情编号中的文字")
    kind = ChoiceFilter(label="灾种", choices=Kind.choices)
    status = ChoiceFilter(label="状态", choices=Event.Status.choices)
    year = YearFilter(label="年度", field_name="started_at__year")

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(number__icontains=value))
