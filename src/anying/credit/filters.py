"""Filters of the credit register and the penalty publications (page, export, API)."""

from __future__ import annotations

from anying.core.filters import ChoiceFilter, DateFilter, ListFilter, RegionFilter, TextFilter

from . import reference
from .models import Listing

LATE = [("late", "逾期公示"), ("on_time", "按时公示")]


class ListingFilter(ListFilter):
    q = TextFilter(label="对象", method="search", max_length=60, help_text="单位名称或人员姓名中的文字")
    region = RegionFilter(field_name="enterprise__region")
    status = ChoiceFilter(label="状态", choices=Listing.Status.choices)
    ground = ChoiceFilter(label="列入情形", choices=[(g.key, g.label[:20]) for g in reference.grounds().values()])
    subject = ChoiceFilter(label="列入对象", choices=Listing.Subject.choices)

    def search(self, qs, name, value):
        from django.db.models import Q
        return qs.filter(Q(enterprise__name__icontains=value) | Q(person_name__icontains=value))


class NoticeFilter(ListFilter):
    """The public page's filter: text and dates only."""
    q = TextFilter(label="行政相对人", method="search", max_length=60, help_text="名称或文书号中的文字")
    date_from = DateFilter(label="决定日期自", field_name="decided_on", lookup_expr="gte")
    date_to = DateFilter(label="决定日期至", field_name="decided_on", lookup_expr="lte")

    def search(self, qs, name, value):
        from django.db.models import Q
        return qs.filter(Q(party_name__icontains=value) | Q(decision_number__icontains=value))


class PenaltyFilter(ListFilter):
    """The staff list of decided penalties and their publication."""
    q = TextFilter(label="当事人", method="search", max_length=60, help_text="当事人名称中的文字")
    region = RegionFilter(field_name="region")
    published = ChoiceFilter(label="公示情况", choices=[("no", "未公示"), ("yes", "已公示"), *LATE], method="by_published")
    date_from = DateFilter(label="决定日期自", field_name="decided_on", lookup_expr="gte")
    date_to = DateFilter(label="决定日期至", field_name="decided_on", lookup_expr="lte")

    def search(self, qs, name, value):
        return qs.filter(party_name__icontains=value)

    def by_published(self, qs, name, value):
        from django.db.models import F
        if value == "no":
            return qs.filter(credit_notice__isnull=True)
        if value == "yes":
            return qs.filter(credit_notice__isnull=False)
        if value == "late":
            return qs.filter(credit_notice__published_on__gt=F("credit_notice__due_by"))
        return qs.filter(credit_notice__published_on__lte=F("credit_notice__due_by"))
