"""Filters of the place registers (the shelter list and its API)."""

from __future__ import annotations

from django.db.models import Q

from anying.core.filters import FlagFilter, ListFilter, RegionFilter, TextFilter


class ShelterFilter(ListFilter):
    q = TextFilter(label="名称或地址", method="search", help_text="名称或地址中的文字")
    region = RegionFilter()
    dispatchable = FlagFilter(label="仅可供下级调度", method="only_shared", help_text="仅可供下级调度的场所")

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(address__icontains=value))

    def only_shared(self, qs, name, value):
        return qs.filter(dispatchable=True)
