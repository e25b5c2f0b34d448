"""Filters of the relief lists (page, export, API)."""

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

from .models import Application, Donation, Finding, Fund, Need, Objection, Round, Source


class ApplicationFilter(ListFilter):
    q = TextFilter(label="户主或编号", method="search", help_text="户主姓名或申请编号中的文字（不按身份证号查询）")
    round = IdFilter(label="冬春救助", record=Round, field_name="round_id")
    status = ChoiceFilter(label="状态", choices=[("open", "办理中"), *Application.Status.choices], method="by_status")
    need = ChoiceFilter(label="救助需求", choices=Need.choices, method="by_need")
    region = RegionFilter(field_name="village", label="镇街/村")
    objection = FlagFilter(label="有待答复异议", method="with_objection", help_text="公示中且有尚未答复的异议")

    def search(self, qs, name, value):
        return qs.filter(Q(head__icontains=value) | Q(number__icontains=value))

    def by_status(self, qs, name, value):
        if value == "open":
            return qs.exclude(status__in=[Application.Status.PAID, Application.Status.REJECTED])
        return qs.filter(status=value)

    def by_need(self, qs, name, value):
        return qs.filter(needs__contains=value)

    def with_objection(self, qs, name, value):
        return qs.filter(objections__status=Objection.Status.OPEN).distinct()


class DonationFilter(ListFilter):
    q = TextFilter(label="捐赠人或编号", method="search", help_text="捐赠人名称或收据编号中的文字")
    form = ChoiceFilter(label="捐赠形式", choices=Donation.Form.choices)
    intent = ChoiceFilter(label="意向", choices=Donation.Intent.choices)
    date_from = DateFilter(label="接收日期自", field_name="received_on", lookup_expr="gte")
    date_to = DateFilter(label="接收日期至", field_name="received_on", lookup_expr="lte")

    def search(self, qs, name, value):
        return qs.filter(Q(donor__icontains=value) | Q(number__icontains=value))


class FundFilter(ListFilter):
    source = ChoiceFilter(label="资金来源", choices=Source.choices)
    region = RegionFilter(field_name="region", label="镇街")
    date_from = DateFilter(label="下拨日期自", field_name="allocated_on", lookup_expr="gte")
    date_to = DateFilter(label="下拨日期至", field_name="allocated_on", lookup_expr="lte")


class FindingFilter(ListFilter):
    kind = ChoiceFilter(label="问题类型", choices=Finding.Kind.choices)
    status = ChoiceFilter(label="状态", choices=Finding.Status.choices)
    region = RegionFilter(field_name="region", label="镇街")


__all__ = ["ApplicationFilter", "DonationFilter", "FundFilter", "FindingFilter", "Fund"]
