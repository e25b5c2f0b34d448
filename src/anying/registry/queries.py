"""Reading enterprises: the filters shared by the list page, its export and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from anying.core.models import Industry, Region
from anying.core.scope import unit_region_path

from .models import Enterprise, RiskTag

SORT_COLUMNS = {
    "name": "name", "credit_code": "credit_code", "region": "region__path", "industry": "industry__path",
    "employees": "employees", "std_expiry": "std_expiry_date", "updated": "updated_at",
}


@dataclass
class EnterpriseFilter:
    q: str = ""
    region: int | None = None
    industry: int | None = None
    tag: str = ""
    std_status: str = ""
    std_grade: str = ""
    status: str = ""
    scale: str = ""

    @classmethod
    def from_params(cls, params) -> EnterpriseFilter:
        def number(key):
            value = (params.get(key) or "").strip()
            return int(value) if value.isdigit() else None

        return cls(
            q=(params.get("q") or "").strip()[:100], region=number("region"), industry=number("industry"),
            tag=(params.get("tag") or "").strip(), std_status=(params.get("std_status") or "").strip(),
            std_grade=(params.get("std_grade") or "").strip(), status=(params.get("status") or "").strip(),
            scale=(params.get("scale") or "").strip(),
        )

    def apply(self, qs):
        if self.q:
            code = self.q.upper()
            qs = qs.filter(Q(name__contains=self.q) | Q(credit_code__startswith=code))
        if self.region:
            path = Region.objects.filter(pk=self.region).values_list("path", flat=True).first()
            qs = qs.filter(region__in=Region.objects.filter(path__startswith=path).values("id")) if path else qs.none()
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
        return qs

    @property
    def active(self) -> bool:
        return any([self.q, self.region, self.industry, self.tag, self.std_status, self.std_grade, self.status, self.scale])


def list_queryset(user, flt: EnterpriseFilter):
    return flt.apply(Enterprise.objects.visible_to(user)).select_related("region", "industry")


def filter_choices(user) -> dict:
    """Options for the filter bar: only towns the user can see."""
    regions = Region.objects.filter(level=Region.Level.TOWN)
    if user.unit is not None and not user.is_superuser:
        regions = regions.filter(path__startswith=unit_region_path(user))
    return {
        "regions": list(regions.values("id", "name")),
        "industries": [{"id": i.pk, "label": ("　" * i.depth) + i.name} for i in Industry.objects.all()],
        "tags": list(RiskTag.objects.values("code", "name")),
        "std_statuses": Enterprise.StdStatus.choices,
        "std_grades": [c for c in Enterprise.Grade.choices if c[0]] + [("none", "无等级")],
        "statuses": Enterprise.Status.choices,
        "scales": Enterprise.Scale.choices,
    }
