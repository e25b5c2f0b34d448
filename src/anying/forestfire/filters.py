"""Filters of the 森林防火 lists (pages, exports and API lists alike)."""

from __future__ import annotations

from django.db.models import Q

from anying.core.filters import (
    ChoiceFilter,
    DateFilter,
    FlagFilter,
    IdFilter,
    ListFilter,
    RegionFilter,
    TextFilter,
)

from .models import Checkpoint, Entry, FireReport, FireUse


class LevelFilter(ListFilter):
    region = RegionFilter(field_name="region")
    since = DateFilter(label="日期自", field_name="day", lookup_expr="gte")
    until = DateFilter(label="日期至", field_name="day", lookup_expr="lte")
    level = ChoiceFilter(label="火险等级", choices=[(str(n), f"{n}级") for n in range(1, 6)])


class EntryFilter(ListFilter):
    q = TextFilter(label="姓名或手机号", method="search", help_text="姓名或手机号中的文字")
    checkpoint = IdFilter(label="检查站", record=Checkpoint, field_name="checkpoint_id")
    region = RegionFilter(field_name="checkpoint__place__region")
    day = DateFilter(label="日期", field_name="day")
    inside = FlagFilter(label="仅未下山", method="only_inside")

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(phone__contains=value))

    def only_inside(self, qs, name, value):
        return qs.filter(time_out__isnull=True)


class FireUseFilter(ListFilter):
    q = TextFilter(label="编号、申请人或位置", method="search", help_text="编号、申请人或具体位置中的文字")
    status = ChoiceFilter(label="状态", choices=FireUse.Status.choices)
    region = RegionFilter(field_name="region")
    since = DateFilter(label="用火日期自", field_name="starts_at__date", lookup_expr="gte")

    def search(self, qs, name, value):
        return qs.filter(Q(number__icontains=value) | Q(applicant__icontains=value) | Q(place__icontains=value))


class ReportFilter(ListFilter):
    q = TextFilter(label="编号或位置", method="search", help_text="编号、位置描述中的文字")
    status = ChoiceFilter(label="状态", choices=FireReport.Status.choices)
    source = ChoiceFilter(label="来源", choices=FireReport.Source.choices)
    region = RegionFilter(field_name="region")
    since = DateFilter(label="报告日期自", field_name="reported_at__date", lookup_expr="gte")

    def search(self, qs, name, value):
        return qs.filter(Q(number__icontains=value) | Q(place__icontains=value))


__all__ = ["LevelFilter", "EntryFilter", "FireUseFilter", "ReportFilter", "Entry"]
