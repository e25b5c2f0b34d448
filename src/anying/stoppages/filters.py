"""Filters of the 停产 list (page, export and API)."""

from __future__ import annotations

from django.db.models import Q

from anying.core.filters import ChoiceFilter, FlagFilter, IdFilter, ListFilter, TextFilter, YearFilter
from anying.core.models import Region
from anying.core.scope import subtree_ids

from .models import OPEN, Stoppage


class StoppageFilter(ListFilter):
    q = TextFilter(label="企业或编号", method="search", help_text="企业名称或指令编号中的文字")
    status = ChoiceFilter(label="状态", choices=Stoppage.Status.choices)
    open = FlagFilter(label="仅未复产", method="only_open")
    source = ChoiceFilter(label="原因类别", choices=Stoppage.Source.choices)
    region = IdFilter(label="镇街", record=Region, method="by_region", help_text="区划 id（含下级）")
    year = YearFilter(label="年度", field_name="ordered_on__year")

    def search(self, qs, name, value):
        return qs.filter(Q(enterprise__name__icontains=value) | Q(number__icontains=value))

    def only_open(self, qs, name, value):
        return qs.filter(status__in=OPEN)

    def by_region(self, qs, name, value):
        path = Region.objects.filter(pk=value).values_list("path", flat=True).first()
        if not path:
            return qs.none()
        ids = subtree_ids(path)
        return qs.filter(region_id__in=ids if ids is not None else Region.objects.filter(path__startswith=path).values("id"))
