"""Filters of the installation register (page)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from anying.core.filters import ChoiceFilter, FlagFilter, ListFilter, RegionFilter, TextFilter

from .models import Alarm, AlarmRule, Installation
from .models_baobao import Guarantor, Kind
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


class GuarantorFilter(ListFilter):
    """The district's 包保责任人 list (by major installation): a town, a kind, who is behind."""
    q = TextFilter(label="企业或单元名称", method="search", help_text="企业名称或单元名称中的文字")
    region = RegionFilter(field_name="enterprise__region")
    kind = ChoiceFilter(label="包保职责", choices=Kind.choices, method="keep",
                        help_text="与“仅落后”同用：只看该职责落后或未确定的")
    behind = FlagFilter(label="仅落后或未确定", method="only_behind",
                        help_text="上一周期履职次数低于规定频次，或未确定包保责任人")

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(enterprise__name__icontains=value))

    def keep(self, qs, name, value):
        return qs

    def only_behind(self, qs, name, value):
        from . import baobao

        kind = self.values["kind"] or None
        installations = list(qs.select_related(None).order_by().only("pk"))
        guarantors = baobao.in_force(Guarantor.objects.filter(installation__in=[i.pk for i in installations]))
        late = {s.installation_id for s in baobao.standings(guarantors, installations=installations)
                if (s.guarantor is None or s.behind) and kind in (None, s.kind)}
        return qs.filter(pk__in=late)
