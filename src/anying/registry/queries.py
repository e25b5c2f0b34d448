"""Reading enterprises: the filters shared by the list page, its export and the API."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from ninja import Field

from anying.core import textinput
from anying.core.api_input import InputSchema
from anying.core.listing import parse_id
from anying.core.models import Industry, Region
from anying.core.scope import region_subtree_q

from . import creditcode
from .models import Enterprise, RiskTag

SORT_COLUMNS = {
    "name": "name", "credit_code": "credit_code", "region": "region__path", "industry": "industry__path",
    "employees": "employees", "std_expiry": "std_expiry_date", "updated": "updated_at",
}


class EnterpriseFilter(InputSchema):
    """The filter bar of the list page and the query parameters of the API list: one definition,
    so the page, its export and the API filter alike."""

    q: str = Field("", max_length=100, description="企业名称包含，或统一社会信用代码开头")
    region: int | None = Field(None, description="区划 id（含下级）")
    industry: int | None = Field(None, description="行业 id（含子行业）")
    tag: str = Field("", description="风险标签代码，如 dust")
    std_status: str = Field("", description="none / applying / certified / expired")
    std_grade: str = Field("", description="1 / 2 / 3，none 表示无等级")
    status: str = Field("", description="operating / suspended / closed")
    scale: str = Field("", description="above / below")
    cert_year: int | None = Field(None, ge=2000, le=2100, description="标准化证书日期所在年度（当年新达标）")
    expires_within: int | None = Field(None, ge=0, le=3660, description="标准化达标且证书在今天起若干天内到期")

    @classmethod
    def from_params(cls, params) -> EnterpriseFilter:
        """From a page's GET parameters, where a malformed value is ignored rather than an error."""
        data = {}
        for name, field in cls.model_fields.items():
            value = textinput.lenient(params.get(name) or "").strip()
            if field.annotation == int | None:
                value = parse_id(value)
                low = next((m.ge for m in field.metadata if hasattr(m, "ge")), None)
                high = next((m.le for m in field.metadata if hasattr(m, "le")), None)
                if value is not None and ((low is not None and value < low) or (high is not None and value > high)):
                    value = None  # out of range: ignored like any malformed value
            data[name] = value[:100] if isinstance(value, str) else value
        return cls(**data)

    def apply(self, qs):
        if self.q:
            code = self.q.upper()
            # Only text that could be a credit code is also matched against codes; the OR would
            # otherwise make every name search read the whole table on SQLite.
            # Case only matters for Latin letters; a Chinese search uses plain LIKE, which both
            # databases answer alike and PostgreSQL much faster than UPPER(name) LIKE.
            latin = any(c.isascii() and c.isalpha() for c in self.q)
            name = Q(name__icontains=self.q) if latin else Q(name__contains=self.q)
            if all(c in creditcode.CHARSET for c in code):
                qs = qs.filter(name | Q(credit_code__startswith=code))
            else:
                qs = qs.filter(name)
        if self.region:
            path = Region.objects.filter(pk=self.region).values_list("path", flat=True).first()
            qs = qs.filter(region__path__startswith=path) if path else qs.none()
        if self.industry:
            path = Industry.objects.filter(pk=self.industry).values_list("path", flat=True).first()
            qs = qs.filter(industry_id__in=list(Industry.objects.filter(path__startswith=path).values_list("id", flat=True))) \
                if path else qs.none()
        if self.tag:
            qs = qs.filter(tags__code=self.tag)
        for key in ("std_status", "std_grade", "status", "scale"):
            value = getattr(self, key)
            if value:
                qs = qs.filter(**{key: "" if value == "none" and key == "std_grade" else value})
        if self.cert_year:
            qs = qs.filter(std_certificate_date__year=self.cert_year)
        if self.expires_within is not None:
            today = timezone.localdate()
            qs = qs.filter(std_status=Enterprise.StdStatus.CERTIFIED, std_expiry_date__gte=today,
                           std_expiry_date__lte=today + timedelta(days=self.expires_within))
        return qs

    @property
    def active(self) -> bool:
        return any([self.q, self.region, self.industry, self.tag, self.std_status, self.std_grade, self.status, self.scale,
                    self.cert_year, self.expires_within is not None])


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
