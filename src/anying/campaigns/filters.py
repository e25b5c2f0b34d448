"""Filters of the campaign list (page and API)."""

from __future__ import annotations

from anying.core.filters import ChoiceFilter, ListFilter, TextFilter, YearFilter

from .models import Campaign


class CampaignFilter(ListFilter):
    q = TextFilter(label="名称", field_name="name", lookup_expr="icontains", help_text="专项行动名称中的文字")
    status = ChoiceFilter(label="状态", choices=Campaign.Status.choices)
    year = YearFilter(label="年度", field_name="starts_on__year")
