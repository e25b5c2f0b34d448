"""Filters of the permit lists (page, export, API)."""

from __future__ import annotations

from django.db.models import Q

from anying.core.filters import (
    ChoiceFilter,
    DateFilter,
    FlagFilter,
    IndustryFilter,
    ListFilter,
    RegionFilter,
    TextFilter,
)

from . import rules
from .models import Permit


class PermitFilter(ListFilter):
    q = TextFilter(label="编号/地点/企业", method="search", max_length=60, help_text="作业票编号、作业地点或企业名称中的文字")
    kind = ChoiceFilter(label="作业类别", choices=rules.kind_choices())
    level = ChoiceFilter(label="作业级别", choices=rules.level_choices())
    status = ChoiceFilter(label="状态", choices=[("open", "正在作业"), *Permit.Status.choices], method="by_status")
    region = RegionFilter(field_name="enterprise__region")
    industry = IndustryFilter(field_name="enterprise__industry")
    expired = FlagFilter(label="超期未关闭", field_name="expired")
    date_from = DateFilter(label="计划开始自", field_name="valid_from", lookup_expr="date__gte")
    date_to = DateFilter(label="计划开始至", field_name="valid_from", lookup_expr="date__lte")

    def search(self, qs, name, value):
        return qs.filter(Q(number__icontains=value) | Q(place__icontains=value) | Q(enterprise__name__icontains=value))

    def by_status(self, qs, name, value):
        if value == "open":
            return qs.filter(status__in=Permit.OPEN)
        return qs.filter(status=value)
