"""The filters of 综合监管's lists (core/filters.py): accidents and key tasks (page, export and
API), rankings and periodic reports."""

from __future__ import annotations

from django.utils import timezone

from anying.core.filters import (
    ChoiceFilter,
    FlagFilter,
    IdFilter,
    ListFilter,
    RegionFilter,
    TextFilter,
    YearFilter,
)
from anying.core.models import Organisation
from anying.registry.models import Enterprise
from anying.standards.models import AccidentType

from .accidents import year_range
from .keytasks import overdue_q
from .models import Grade, KeyTask, KeyTaskTable, Report


def this_year() -> int:
    return timezone.localdate().year


class AccidentFilter(ListFilter):
    """Also the dashboard's links: /oversight/accidents/?year=2026&grade=larger&region=12. The page
    shows this year's accidents unless year=all."""

    year = YearFilter(label="年度", all_value="all", page_default=this_year, method="in_year",
                      help_text="事故发生年度（2000–2100）")
    grade = ChoiceFilter(label="事故等级", choices=Grade.choices)
    region = RegionFilter()
    type = IdFilter(label="事故类型", record=AccidentType, field_name="accident_type_id", help_text="事故类型 id")
    enterprise = IdFilter(label="事故单位", record=Enterprise, field_name="enterprise_id", help_text="企业 id")
    fatal = FlagFilter(label="仅死亡事故", method="only_fatal", help_text="仅死亡事故（死亡人数 ≥ 1）")

    def in_year(self, qs, name, value):
        if value == "all":
            return qs
        start, end = year_range(value)
        return qs.filter(occurred_at__gte=start, occurred_at__lt=end)

    def only_fatal(self, qs, name, value):
        return qs.filter(deaths__gte=1)


class InterviewFilter(ListFilter):
    """The 约谈 list: the enterprises of one year (this year unless given)."""

    year = YearFilter(label="年度", page_default=this_year)


class KeyTaskFilter(ListFilter):
    """The page shows one table of one year (this year's first unless given); the API lists
    every table unless filtered."""

    year = YearFilter(label="年度", field_name="table__year", page_default=this_year)
    table = IdFilter(label="任务表", record=KeyTaskTable, field_name="table_id", help_text="任务表 id")
    unit = IdFilter(label="责任单位", record=Organisation, field_name="unit_id", help_text="责任单位 id")
    status = ChoiceFilter(label="状态", choices=KeyTask.Status.choices)
    overdue = FlagFilter(label="仅逾期", method="only_overdue",
                         help_text="仅逾期（任务或节点过期未完成；当天到期不算逾期）")

    def only_overdue(self, qs, name, value):
        return qs.filter(overdue_q(timezone.localdate()))


class RankingFilter(ListFilter):
    scheme = TextFilter(label="方案", field_name="scheme__code", max_length=50, help_text="排名方案代码")


class ReportFilter(ListFilter):
    kind = ChoiceFilter(label="类型", choices=Report.Kind.choices)
