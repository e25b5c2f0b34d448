"""Filters of the incident list (page and API)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from anying.core.filters import ChoiceFilter, DateFilter, FlagFilter, ListFilter, RegionFilter, TextFilter
from anying.oversight.models import Grade

from .models import Category, Incident, Kind, Source


class IncidentFilter(ListFilter):
    q = TextFilter(label="名称、编号或地点", method="search", help_text="事件名称、接报编号、地点或事发单位中的文字")
    status = ChoiceFilter(label="状态", choices=Incident.Status.choices)
    grade = ChoiceFilter(label="等级", choices=Grade.choices)
    category = ChoiceFilter(label="类别", choices=Category.choices)
    kind = ChoiceFilter(label="类型", choices=Kind.choices)
    source = ChoiceFilter(label="来源", choices=Source.choices)
    region = RegionFilter()
    date_from = DateFilter(label="发生日期起", field_name="occurred_at__date", lookup_expr="gte")
    date_to = DateFilter(label="发生日期止", field_name="occurred_at__date", lookup_expr="lte")
    overdue = FlagFilter(label="有逾期未报", method="only_overdue", help_text="有已过时限仍未报送的报告")
    exercise = FlagFilter(label="仅演练", method="only_exercises", help_text="只列按真实流程进行的演练")

    sort_columns = {"occurred": "occurred_at", "grade": "grade", "received": "received_at"}
    default_sort = "-occurred"

    def search(self, qs, name, value):
        return qs.filter(Q(title__icontains=value) | Q(number__icontains=value) | Q(place__icontains=value)
                         | Q(party__icontains=value) | Q(enterprise__name__icontains=value))

    def only_overdue(self, qs, name, value):
        from .models import Due

        late = Due.objects.filter(met_at__isnull=True, cancelled=False, due_at__lt=timezone.now())
        return qs.filter(pk__in=late.values("incident_id"))

    def only_exercises(self, qs, name, value):
        return qs.filter(is_exercise=True)
