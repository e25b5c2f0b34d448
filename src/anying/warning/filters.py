"""Filters of the warning list and the 责任人名册."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from anying.core.filters import ChoiceFilter, FlagFilter, ListFilter, RegionFilter, TextFilter

from .models import Contact, Level, Warning
from .reference import kind_choices


class AreaFilter(RegionFilter):
    """A region id: the warnings whose area names it or a region below it (one row per warning)."""

    def narrow(self, qs, path: str):
        return qs.filter(pk__in=Warning.regions.through.objects.filter(region__path__startswith=path)
                         .values("warning_id"))


class WarningFilter(ListFilter):
    q = TextFilter(label="标题或编号", method="search", help_text="标题、编号或发布机构中的文字")
    status = ChoiceFilter(label="状态", choices=Warning.Status.choices)
    kind = ChoiceFilter(label="类型", choices=kind_choices())
    level = ChoiceFilter(label="级别", choices=Level.choices)
    region = AreaFilter(field_name="regions")
    in_force = FlagFilter(label="仅生效中", method="only_in_force", help_text="已发布且未到失效时间")

    def search(self, qs, name, value):
        return qs.filter(Q(headline__icontains=value) | Q(number__icontains=value) | Q(agency__icontains=value))

    def only_in_force(self, qs, name, value):
        return qs.filter(status=Warning.Status.ISSUED, expires__gt=timezone.now())


class ContactFilter(ListFilter):
    q = TextFilter(label="姓名或手机号", method="search", help_text="姓名、手机号或职务中的文字")
    duty = ChoiceFilter(label="身份", choices=Contact.Role.choices, field_name="role")
    region = RegionFilter(field_name="region")
    family = ChoiceFilter(label="灾种", choices=[("flood", "防汛"), ("geological", "地质灾害"), ("forest", "森林防火"),
                                                 ("general", "综合")], method="of_family")

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(phone__icontains=value) | Q(title__icontains=value))

    def of_family(self, qs, name, value):
        return qs.filter(families__contains=value)
