"""The filters of the checklist and 日周月排查 lists (core/filters.py); the hazard list's own is
`queries.HazardFilter`."""

from __future__ import annotations

from django.db.models import Q

from anying.core.filters import ChoiceFilter, FlagFilter, ListFilter, RegionFilter, TextFilter

from .models import ChecklistTemplate

CURRENT = [ChecklistTemplate.Status.DRAFT, ChecklistTemplate.Status.PUBLISHED]


class ChecklistFilter(ListFilter):
    use = ChoiceFilter(label="用途", choices=ChecklistTemplate.Use.choices)
    # current (draft and published) unless asked otherwise; all: every status
    status = ChoiceFilter(label="状态", choices=[("current", "草稿和已发布"), ("all", "全部状态"),
                                                *ChecklistTemplate.Status.choices],
                          page_default="current", method="by_status")

    def by_status(self, qs, name, value):
        if value == "all":
            return qs
        return qs.filter(status__in=CURRENT) if value == "current" else qs.filter(status=value)


class SelfInspectionFilter(ListFilter):
    """The government's 日周月排查 overview; `behind` reads the annotation of
    `self_inspection.overview`."""

    q = TextFilter(label="企业", method="search", help_text="企业名称或信用代码包含")
    region = RegionFilter()
    behind = FlagFilter(label="仅落后", field_name="behind")

    def search(self, qs, name, value):
        return qs.filter(Q(name__contains=value) | Q(credit_code__icontains=value))
