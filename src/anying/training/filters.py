"""Filters of the training pages (page, export, API)."""

from __future__ import annotations

from anying.core.filters import (
    ChoiceFilter,
    DateFilter,
    IdFilter,
    IndustryFilter,
    ListFilter,
    RegionFilter,
    TextFilter,
)
from anying.registry.models import Enterprise

from .models import Kind


class SessionFilter(ListFilter):
    q = TextFilter(label="培训内容", method="search", max_length=50, help_text="培训内容或授课人中的文字")
    kind = ChoiceFilter(label="培训类别", choices=[("three_level", "三级安全教育（全部）"), *Kind.choices],
                        method="by_kind")
    enterprise = IdFilter(label="企业", record=Enterprise, field_name="enterprise")
    region = RegionFilter(field_name="enterprise__region")
    industry = IndustryFilter(field_name="enterprise__industry")
    date_from = DateFilter(label="培训日期自", field_name="held_on", lookup_expr="gte")
    date_to = DateFilter(label="培训日期至", field_name="held_on", lookup_expr="lte")

    def search(self, qs, name, value):
        from django.db.models import Q

        return qs.filter(Q(topic__icontains=value) | Q(trainer__icontains=value))

    def by_kind(self, qs, name, value):
        if value == "three_level":
            return qs.filter(kind__startswith="level_")
        return qs.filter(kind=value)


class TraineeFilter(ListFilter):
    q = TextFilter(label="姓名", method="search", max_length=50, help_text="姓名或岗位中的文字")
    enterprise = IdFilter(label="企业", record=Enterprise, field_name="enterprise")
    region = RegionFilter(field_name="enterprise__region")
    industry = IndustryFilter(field_name="enterprise__industry")
    who = ChoiceFilter(label="人员类别", choices=[("key", "主要负责人、安全管理人员等"), ("staff", "其他从业人员")],
                       method="by_who")

    def search(self, qs, name, value):
        from django.db.models import Q

        return qs.filter(Q(name__icontains=value) | Q(post__icontains=value))

    def by_who(self, qs, name, value):
        from .models import LEADER_KINDS

        leaders = {"key_person__kind__in": LEADER_KINDS}
        return qs.filter(**leaders) if value == "key" else qs.exclude(**leaders)
