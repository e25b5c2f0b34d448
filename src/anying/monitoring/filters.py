"""Filters of the installation register (page)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from anying.core.filters import ChoiceFilter, FlagFilter, ListFilter, RegionFilter, TextFilter

from .models import Alarm, AlarmRule, Installation
from .services import OLD_YEARS


class InstallationFilter(ListFilter):
    q = TextFilter(label="企业或单元名称", method="search", help_text="企业名称或单元名称中的文字")
    grade = ChoiceFilter(label="级别", choices=[("1", "一级"), ("2", "二级"), ("3", "三级"), ("4", "四级")])
    kind = ChoiceFilter(label="单元类型", choices=Installation.Kind.choices)
    region = RegionFilter(field_name="enterprise__region")
    major = FlagFilter(label="仅重大危险源", method="only_major", help_text="S ≥ 1 的单元")
    old = FlagFilter(label="投用满20年", method="only_old", help_text="一装置一策")
    systems = FlagFilter(label="油气储存四项系统不全", method="missing_systems")

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(enterprise__name__icontains=value))

    def only_major(self, qs, name, value):
        return qs.filter(is_major=True)

    def only_old(self, qs, name, value):
        today = timezone.localdate()
        cut = today.replace(year=today.year - OLD_YEARS) if not (today.month == 2 and today.day == 29) \
            else dt.date(today.year - OLD_YEARS, 2, 28)
        return qs.filter(commissioned_on__lte=cut)

    def missing_systems(self, qs, name, value):
        return qs.filter(Q(has_gas_detection=False) | Q(has_video=False) | Q(has_emergency_shutoff=False)
                         | Q(has_lightning_warning=False), oil_gas_storage=True)


class AlarmFilter(ListFilter):
    q = TextFilter(label="企业或报警内容", method="search", help_text="企业名称、点位或报警内容中的文字")
    status = ChoiceFilter(label="状态", choices=Alarm.Status.choices)
    level = ChoiceFilter(label="级别", choices=[("1", "一级"), ("2", "二级"), ("3", "三级")])
    kind = ChoiceFilter(label="报警类型", choices=AlarmRule.Kind.choices)
    cause = ChoiceFilter(label="性质", choices=Alarm.Cause.choices)
    region = RegionFilter(field_name="enterprise__region")
    active = FlagFilter(label="仅未消警", method="only_active", help_text="待确认、处置中、待消警")

    def search(self, qs, name, value):
        return qs.filter(Q(description__icontains=value) | Q(enterprise__name__icontains=value))

    def only_active(self, qs, name, value):
        return qs.filter(is_active=True)
