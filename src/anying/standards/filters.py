"""The filter of a 判定标准's rows (core/filters.py)."""

from __future__ import annotations

from django.db.models import Q

from anying.core.filters import ListFilter, TextFilter


class CriterionFilter(ListFilter):
    q = TextFilter(label="搜索", method="search", max_length=50, help_text="条款内容或类别包含")

    def search(self, qs, name, value):
        return qs.filter(Q(text__contains=value) | Q(category__contains=value))
