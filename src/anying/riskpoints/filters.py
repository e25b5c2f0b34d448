"""Filters of the risk point ledger, the evacuations and the patrol schedules (page, export, API)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from anying.core.filters import ChoiceFilter, FlagFilter, ListFilter, RegionFilter, TextFilter, YearFilter

from .models import DisasterRiskPoint, Evacuation, Kind, Threat
from .models_patrols import Tier

SORT = {"name": "name", "threat": "threat", "people": "people", "year": "closing_year"}


class DisasterPointFilter(ListFilter):
    q = TextFilter(label="名称或位置", method="search", help_text="名称、编号或具体位置中的文字")
    kind = ChoiceFilter(label="类型", choices=Kind.choices)
    threat = ChoiceFilter(label="险情等级", choices=Threat.choices)
    status = ChoiceFilter(label="状态", choices=[("open", "未销号"), *DisasterRiskPoint.Status.choices],
                          method="by_status")
    region = RegionFilter(field_name="region")
    closing_year = YearFilter(label="计划销号年度", field_name="closing_year")
    late = FlagFilter(label="逾期未销号", method="only_late", help_text="计划销号年度已过仍未销号")
    no_plan = FlagFilter(label="无住户名单", method="only_without_households",
                         help_text="还没有登记受威胁住户（转移谁）的风险点")

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(code__icontains=value) | Q(location__icontains=value))

    def by_status(self, qs, name, value):
        if value == "open":
            return qs.exclude(status=DisasterRiskPoint.Status.CLOSED)
        return qs.filter(status=value)

    def only_late(self, qs, name, value):
        return qs.exclude(status=DisasterRiskPoint.Status.CLOSED).filter(closing_year__lt=timezone.localdate().year)

    def only_without_households(self, qs, name, value):
        return qs.filter(household_rows__isnull=True)


class EvacuationFilter(ListFilter):
    q = TextFilter(label="风险点名称", method="search", help_text="风险点名称中的文字")
    status = ChoiceFilter(label="状态", choices=[("open", "进行中"), *Evacuation.Status.choices], method="by_status")
    trigger = ChoiceFilter(label="启动原因", choices=Evacuation.Trigger.choices)
    region = RegionFilter(field_name="region")

    def search(self, qs, name, value):
        return qs.filter(point__name__icontains=value)

    def by_status(self, qs, name, value):
        if value == "open":
            return qs.exclude(status=Evacuation.Status.RETURNED)
        return qs.filter(status=value)


class PatrolFilter(ListFilter):
    q = TextFilter(label="风险点名称", method="search", help_text="风险点名称中的文字")
    tier = ChoiceFilter(label="层级", choices=Tier.choices)
    region = RegionFilter(field_name="point__region")
    behind = FlagFilter(label="仅落后", method="only_behind", help_text="上一周期没有巡查记录")

    def search(self, qs, name, value):
        return qs.filter(point__name__icontains=value)

    def only_behind(self, qs, name, value):
        from .patrols import ROUTINE

        return qs.filter(ROUTINE.behind_q())
