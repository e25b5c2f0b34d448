"""Filters of the house ledger (page, export, API)."""

from __future__ import annotations

from anying.core.filters import ChoiceFilter, DateFilter, IdFilter, ListFilter, RegionFilter, TextFilter
from anying.disasters.models import Event

from .models import Household, Mode, Situation

SORT = {"assessed": "assessed_on", "subsidy": "subsidy", "head": "head"}
DEGREES = [("collapsed", "倒塌"), ("severe", "严重损坏"), ("general", "一般损坏")]


class HouseFilter(ListFilter):
    q = TextFilter(label="户主", method="search", max_length=40, help_text="户主姓名中的文字")
    event = IdFilter(label="灾害过程", record=Event, field_name="event")
    region = RegionFilter(field_name="village")
    degree = ChoiceFilter(label="倒损程度", choices=DEGREES, method="by_degree",
                          help_text="倒塌：有倒塌房屋；严重损坏：有严重损坏而无倒塌；一般损坏：只有一般损坏")
    status = ChoiceFilter(label="进度", choices=[("open", "未发放补助"), *Household.Status.choices], method="by_status")
    mode = ChoiceFilter(label="重建方式", choices=Mode.choices)
    situation = ChoiceFilter(label="家庭类别", choices=Situation.choices)
    date_from = DateFilter(label="评估日期自", field_name="assessed_on", lookup_expr="gte")
    date_to = DateFilter(label="评估日期至", field_name="assessed_on", lookup_expr="lte")

    def search(self, qs, name, value):
        return qs.filter(head__icontains=value)

    def by_degree(self, qs, name, value):
        if value == "collapsed":
            return qs.filter(rooms_collapsed__gt=0)
        if value == "severe":
            return qs.filter(rooms_collapsed=0, rooms_severe__gt=0)
        return qs.filter(rooms_collapsed=0, rooms_severe=0, rooms_general__gt=0)

    def by_status(self, qs, name, value):
        if value == "open":
            return qs.exclude(status=Household.Status.PAID)
        return qs.filter(status=value)
