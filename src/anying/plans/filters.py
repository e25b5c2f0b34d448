"""The plans and drills lists' filters (core/filters.py): each page, its export and its API list alike."""

from __future__ import annotations

from django.db.models import Q
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

from .models import Drill, EmergencyPlan, FollowUp, HazardType

P = EmergencyPlan


def _hazard_choices():
    return [(c.value, c.label) for c in HazardType.Category]


class PlanFilter(ListFilter):
    q = TextFilter(label="搜索", method="search", help_text="预案名称、文号、备案编号或编制单位包含")
    level = ChoiceFilter(label="层级", choices=P.Level.choices)
    category = ChoiceFilter(label="灾种类别", choices=_hazard_choices(), field_name="hazard_type__category")
    hazard = IdFilter(label="灾种", field_name="hazard_type_id", record=HazardType, help_text="灾种 id")
    status = ChoiceFilter(label="状态", choices=P.Status.choices)
    flag = ChoiceFilter(label="提醒", method="flagged", choices=[
        ("filing_overdue", "超期未备案"), ("revision_overdue", "超过修订期限"), ("evaluation_overdue", "超过评估期限")])
    region = RegionFilter(help_text="所在区划 id（含下级）")
    owner = IdFilter(label="编制单位", field_name="owner_id", record=Organisation)
    enterprise = FlagFilter(label="仅企业预案", method="only_enterprises")
    sort_columns = {"name": "name", "level": "level", "issued": "issued_on", "revision": "revision_due"}
    default_sort = "level"

    def search(self, qs, name, value):
        return qs.filter(Q(name__contains=value) | Q(document_number__contains=value)
                         | Q(filing_number__contains=value) | Q(owner__name__contains=value))

    def flagged(self, qs, name, value):
        today = timezone.localdate()
        if value == "filing_overdue":
            return qs.filter(status=P.Status.ISSUED, filing_due__lt=today)
        if value == "revision_overdue":
            return qs.filter(revision_due__lt=today).exclude(effective_to__lt=today)
        return qs.filter(evaluation_due__lt=today).exclude(effective_to__lt=today)

    def only_enterprises(self, qs, name, value):
        return qs.filter(enterprise__isnull=False)


class DrillFilter(ListFilter):
    q = TextFilter(label="搜索", method="search", help_text="演练名称、地点或组织单位包含")
    year = YearFilter(label="年度", all_value="all", page_default=lambda: timezone.localdate().year,
                      help_text="年度（all = 全部年度）")
    kind = ChoiceFilter(label="演练形式", choices=Drill.Kind.choices)
    status = ChoiceFilter(label="状态", choices=[("overdue", "逾期未开展"), *Drill.Status.choices], method="by_status",
                          help_text="状态（overdue = 计划月份已过仍未开展）")
    category = ChoiceFilter(label="灾种类别", choices=_hazard_choices(), field_name="hazard_type__category")
    hazard = IdFilter(label="灾种", field_name="hazard_type_id", record=HazardType, help_text="灾种 id")
    region = RegionFilter(help_text="所在区划 id（含下级）")
    owner = IdFilter(label="组织单位", field_name="owner_id", record=Organisation)
    plan = IdFilter(label="检验的预案", field_name="plan_id", record=EmergencyPlan)
    sort_columns = {"month": "due_on", "held": "held_on", "name": "name"}
    default_sort = "month"

    def search(self, qs, name, value):
        return qs.filter(Q(name__contains=value) | Q(place__contains=value) | Q(owner__name__contains=value))

    def by_status(self, qs, name, value):
        if value == "overdue":
            return qs.filter(status=Drill.Status.PLANNED, due_on__lt=timezone.localdate())
        return qs.filter(status=value)


class FollowUpFilter(ListFilter):
    kind = ChoiceFilter(label="类型", choices=FollowUp.Kind.choices)
    state = ChoiceFilter(label="办理情况", method="by_state", page_default="open",
                         choices=[("open", "未办结"), ("overdue", "逾期未办结"), ("done", "已办结"), ("all", "全部")])
    unit = IdFilter(label="责任单位", field_name="unit_id", record=Organisation)
    plan = IdFilter(label="预案", field_name="plan_id", record=EmergencyPlan)
    sort_columns = {"due": "due_on", "created": "created_at"}
    default_sort = "due"

    def by_state(self, qs, name, value):
        if value == "open":
            return qs.filter(done_at__isnull=True)
        if value == "overdue":
            return qs.filter(done_at__isnull=True, due_on__lt=timezone.localdate())
        if value == "done":
            return qs.filter(done_at__isnull=False)
        return qs
