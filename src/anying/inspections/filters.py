"""The filters of the enforcement lists (core/filters.py): each shared by its page, its export and
its API list."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from anying.campaigns.models import Campaign
from anying.core.filters import (
    ChoiceFilter,
    DateFilter,
    FlagFilter,
    IdFilter,
    IntFilter,
    ListFilter,
    TextFilter,
)
from anying.core.models import Region
from anying.registry.models import Enterprise

from .models import Inspection, Penalty


class InspectionFilter(ListFilter):
    status = ChoiceFilter(label="状态", choices=Inspection.Status.choices)
    enterprise = IdFilter(label="企业", record=Enterprise, field_name="enterprise_id", help_text="企业 id")
    campaign = IdFilter(label="专项行动", record=Campaign, field_name="campaign_id", help_text="专项行动 id")
    # the dashboard's "this year's inspections" links to the list with its date range
    date_from = DateFilter(label="检查日期自", field_name="inspected_on", lookup_expr="gte")
    date_to = DateFilter(label="检查日期至", field_name="inspected_on", lookup_expr="lte")


class PenaltyFilter(ListFilter):
    status = ChoiceFilter(label="状态", choices=Penalty.Status.choices)
    campaign = IdFilter(label="专项行动", record=Campaign, field_name="campaign_id", help_text="专项行动 id")


class InspectorFilter(ListFilter):
    q = TextFilter(label="搜索", method="search", max_length=50, help_text="姓名、执法证号或单位包含")
    valid = FlagFilter(label="仅在岗且证件有效", method="only_valid")

    def search(self, qs, name, value):
        return qs.filter(Q(name__contains=value) | Q(certificate_no__contains=value) | Q(unit__name__contains=value))

    def only_valid(self, qs, name, value):
        return qs.filter(active=True, certificate_expiry__gte=timezone.localdate())


class PlanItemFilter(ListFilter):
    """The objects of an annual plan, by month and town."""

    month = IntFilter(label="月份", min_value=1, max_value=12)
    region = IdFilter(label="镇街", record=Region, field_name="region_id", help_text="镇街 id")
