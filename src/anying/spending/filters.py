"""Filters of the safety-spending ledgers (page, export, API)."""

from __future__ import annotations

from django.db.models import F

from anying.core.filters import ChoiceFilter, ListFilter, RegionFilter, TextFilter, YearFilter

from . import reference

UNDER = [("under", "未足额提取"), ("met", "已足额提取")]


class LedgerFilter(ListFilter):
    q = TextFilter(label="企业", method="search", max_length=60, help_text="企业名称中的文字")
    year = YearFilter(label="年度", field_name="year")
    region = RegionFilter(field_name="enterprise__region")
    klass = ChoiceFilter(label="行业类别", choices=reference.class_choices(), field_name="class_key")
    standard = ChoiceFilter(label="提取情况", choices=UNDER, method="by_standard",
                            help_text="未足额：已提取少于按标准应提取")

    def search(self, qs, name, value):
        return qs.filter(enterprise__name__icontains=value)

    def by_standard(self, qs, name, value):
        if value == "under":
            return qs.filter(set_aside__lt=F("required"))
        return qs.filter(set_aside__gte=F("required"))
