"""Filters of the 停产 list (page, export and API)."""

from __future__ import annotations

from django.db.models import Q

from anying.core.filters import ChoiceFilter, FlagFilter, ListFilter, RegionFilter, TextFilter, YearFilter

from .models import OPEN, Stoppage


class StoppageFilter(ListFilter):
    q = TextFilter(label="企业或编号", method="search", help_text="企业名称或指令编号中的文字")
    status = ChoiceFilter(label="状态", choices=Stoppage.Status.choices)
    open = FlagFilter(label="仅未复产", method="only_open")
    source = ChoiceFilter(label="原因类别", choices=Stoppage.Source.choices)
    region = RegionFilter(field_name="region")
    year = YearFilter(label="年度", field_name="ordered_on__year")

    def search(self, qs, name, value):
        return qs.filter(Q(enterprise__name__icontains=value) | Q(number__icontains=value))

    def only_open(self, qs, name, value):
        return qs.filter(status__in=OPEN)
