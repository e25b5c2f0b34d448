"""Reading enterprises: the filters shared by the list page, its export and the API."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from anying.core.filters import (
    ChoiceFilter,
    IndustryFilter,
    IntFilter,
    ListFilter,
    RegionFilter,
    TextFilter,
    YearFilter,
)
from anying.core.models import Industry, Region
from anying.core.scope import region_subtree_q

from . import creditcode
from .models import Enterprise, RiskTag

SORT_COLUMNS = {
    "name": "name", "credit_code": "credit_code", "region": "region__path", "industry": "industry__path",
    "employees": "employees", "std_expiry": "std_expiry_date", "updated": "updated_at",
}


class EnterpriseFilter(ListFilter):
    """The filter bar of the list page and the query parameters of the API list: one definition,
    so the page, its export and the API filter alike."""

    q = TextFilter(label="名称或信用代码", method="search", help_text="企业名称包含，或统一社会信用代码开头")
    region = RegionFilter(label="区划")
    industry = IndustryFilter()
    tag = TextFilter(label="风险标签", field_name="tags__code", help_text="风险标签代码，如 dust")
    std_status = ChoiceFilter(label="标准化状态", choices=Enterprise.StdStatus.choices)
    std_grade = ChoiceFilter(label="标准化等级", choices=[*[c for c in Enterprise.Grade.choices if c[0]], ("none", "无等级")],
                             method="by_grade", help_text="标准化等级（none 表示无等级）")
    status = ChoiceFilter(label="经营状态", choices=Enterprise.Status.choices)
    scale = ChoiceFilter(label="规模", choices=Enterprise.Scale.choices)
    cert_year = YearFilter(label="证书年度", field_name="std_certificate_date__year",
                           help_text="标准化证书日期所在年度（当年新达标）")
    expires_within = IntFilter(label="证书到期天数内", min_value=0, max_value=3660, method="expiring",
                               help_text="标准化达标且证书在今天起若干天内到期")

    sort_columns = SORT_COLUMNS
    default_sort = "name"

    def search(self, qs, name, value):
        code = value.upper()
        # Only text that could be a credit code is also matched against codes; the OR would
        # otherwise make every name search read the whole table on SQLite.
        # Case only matters for Latin letters; a Chinese search uses plain LIKE, which both
        # databases answer alike and PostgreSQL much faster than UPPER(name) LIKE.
        latin = any(c.isascii() and c.isalpha() for c in value)
        by_name = Q(name__icontains=value) if latin else Q(name__contains=value)
        if all(c in creditcode.CHARSET for c in code):
            return qs.filter(by_name | Q(credit_code__startswith=code))
        return qs.filter(by_name)

    def by_grade(self, qs, name, value):
        return qs.filter(std_grade="" if value == "none" else value)

    def expiring(self, qs, name, value):
        today = timezone.localdate()
        return qs.filter(std_status=Enterprise.StdStatus.CERTIFIED, std_expiry_date__gte=today,
                         std_expiry_date__lte=today + timedelta(days=value))


class StandardizationFilter(ListFilter):
    """The year of the standardization pages (达标率, 未达标及需复评, targets): this year unless given."""

    year = YearFilter(label="年度", page_default=lambda: timezone.localdate().year)


def list_queryset(user, flt: EnterpriseFilter):
    return flt.apply(Enterprise.objects.visible_to(user)).select_related("region", "industry")


def town_choices(user) -> list[dict]:
    """The towns a user can see, for a filter bar."""
    regions = Region.objects.filter(level=Region.Level.TOWN)
    if not user.is_superuser:
        regions = regions.filter(region_subtree_q(user, ""))
    return list(regions.values("id", "name"))


def filter_choices(user) -> dict:
    """Options for the filter bar: only towns the user can see."""
    return {
        "regions": town_choices(user),
        "industries": [{"id": i.pk, "label": ("　" * i.depth) + i.name} for i in Industry.objects.all()],
        "tags": list(RiskTag.objects.values("code", "name")),
        "std_statuses": Enterprise.StdStatus.choices,
        "std_grades": [c for c in Enterprise.Grade.choices if c[0]] + [("none", "无等级")],
        "statuses": Enterprise.Status.choices,
        "scales": Enterprise.Scale.choices,
    }
