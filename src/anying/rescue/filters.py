"""The list filters of teams, experts and guidance visits (core/filters.py): page, export and API."""

from __future__ import annotations

from django.db.models import Q

from anying.core.filters import ChoiceFilter, FlagFilter, ListFilter, RegionFilter, TextFilter, YearFilter

from .models import Expert, GrassrootsPerson, Team, expert_fields, specialities


class TeamFilter(ListFilter):
    category = ChoiceFilter(label="队伍类别", choices=Team.Category.choices)
    speciality = ChoiceFilter(label="专业方向", choices=specialities(), method="by_speciality")
    region = RegionFilter(field_name="region")
    inactive = FlagFilter(label="含已撤销", method="with_inactive", help_text="包括已撤销（不在册）的队伍")
    q = TextFilter(label="搜索", method="search", help_text="队伍名称、队长或主管单位包含")
    sort_columns = {"name": "name", "category": "category", "region": "region__path"}
    default_sort = "category"

    def by_speciality(self, qs, name, value):
        return qs.filter(specialities__contains=f",{value},")

    def with_inactive(self, qs, name, value):
        return qs

    def filter_queryset(self, queryset):
        return self.apply(queryset)

    def apply(self, queryset, **overrides):
        queryset = super().apply(queryset, **overrides)
        return queryset if self["inactive"] else queryset.filter(is_active=True)

    def search(self, qs, name, value):
        return qs.filter(Q(name__contains=value) | Q(leader__contains=value) | Q(owner__name__contains=value))


class ExpertFilter(ListFilter):
    field = ChoiceFilter(label="专业领域", choices=expert_fields(), method="by_field")
    availability = ChoiceFilter(label="可派状态", choices=Expert.Availability.choices)
    q = TextFilter(label="搜索", method="search", help_text="姓名、工作单位或职称包含")
    sort_columns = {"name": "name", "employer": "employer"}
    default_sort = "name"

    def by_field(self, qs, name, value):
        return qs.filter(fields__contains=f",{value},")

    def search(self, qs, name, value):
        return qs.filter(Q(name__contains=value) | Q(employer__contains=value) | Q(title__contains=value))


class VisitFilter(ListFilter):
    year = YearFilter(label="年度", field_name="visited_on__year")
    q = TextFilter(label="搜索", method="search", help_text="企业名称、服务主题或合同包含")

    def search(self, qs, name, value):
        return qs.filter(Q(enterprise__name__contains=value) | Q(topic__contains=value) | Q(contract__contains=value))


class GrassrootsFilter(ListFilter):
    """应急协管员, 灾害信息员 and volunteers: the active ones unless 含离岗 is ticked."""
    kind = ChoiceFilter(label="类别", choices=GrassrootsPerson.Role.choices, field_name="role")
    region = RegionFilter(field_name="region")
    inactive = FlagFilter(label="含离岗", method="with_inactive", help_text="包括已离岗的人员")
    q = TextFilter(label="搜索", method="search", help_text="姓名、电话或所在村（社区）包含")
    sort_columns = {"name": "name", "region": "region__path", "since": "since"}
    default_sort = "region"

    def with_inactive(self, qs, name, value):
        return qs

    def apply(self, queryset, **overrides):
        queryset = super().apply(queryset, **overrides)
        return queryset if self["inactive"] else queryset.filter(is_active=True)

    def search(self, qs, name, value):
        return qs.filter(Q(name__contains=value) | Q(phone__contains=value) | Q(region__name__contains=value))
