"""The tip list's filter (core/filters.py): its page and the API list."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from anying.core.filters import ChoiceFilter, FlagFilter, ListFilter, RegionFilter, TextFilter

from . import codes
from .escalation import overdue_q
from .models import Tip


class TipFilter(ListFilter):
    status = ChoiceFilter(label="状态", choices=[("open", "未办结"), *Tip.Status.choices], method="by_status",
                          help_text="状态（open = 未办结）")
    category = ChoiceFilter(label="类别", choices=Tip.Category.choices)
    overdue = FlagFilter(label="仅逾期", method="only_overdue")
    mine = FlagFilter(label="本单位承办", field_name="mine", method="only_mine")
    region = RegionFilter(help_text="事发地区划 id（含下级）")
    q = TextFilter(label="搜索", method="search", help_text="举报编号，或地点、描述、企业包含")

    def by_status(self, qs, name, value):
        return qs.exclude(status=Tip.Status.CLOSED) if value == "open" else qs.filter(status=value)

    def only_overdue(self, qs, name, value):
        return qs.filter(overdue_q(timezone.localdate()))

    def only_mine(self, qs, name, value):
        return qs.filter(unit_id=self.request.user.unit_id)

    def search(self, qs, name, value):
        return qs.filter(Q(code=codes.normalize(value)) | Q(place__contains=value) | Q(description__contains=value)
                         | Q(enterprise__name__contains=value) | Q(enterprise_text__contains=value))
