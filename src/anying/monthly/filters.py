"""Filters of the confirmed monthly reports (the API list)."""

from __future__ import annotations

from anying.core.filters import FlagFilter, IdFilter, IntFilter, ListFilter, YearFilter
from anying.registry.models import Enterprise


class MonthlyReportFilter(ListFilter):
    year = YearFilter(label="年度", field_name="month__year")
    month = IntFilter(label="月份", field_name="month__month", min_value=1, max_value=12, help_text="1–12")
    enterprise = IdFilter(label="企业", record=Enterprise, field_name="enterprise_id", help_text="企业 id")
    late = FlagFilter(label="仅逾期确认", field_name="late")
