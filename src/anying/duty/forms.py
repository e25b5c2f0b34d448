"""Forms of the duty pages (services.py holds the rules)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from anying.core.forms import Styled
from anying.core.models import Organisation, Region, User
from anying.core.scope import unit_region_path

from .models import Assignment, DutyPost, KeyPeriod, LogEntry, SpotCheck

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PlanForm(Styled, forms.Form):
    first = forms.DateField(label="开始日期", widget=DATE)
    last = forms.DateField(label="结束日期", widget=DATE)
    handover = forms.TimeField(label="交接班时间", initial=dt.time(8, 30), widget=forms.TimeInput(attrs={"type": "time"}))
    duty_phone = forms.CharField(label="值班电话", max_length=40, required=False)


class AssignForm(Styled, forms.Form):
    post = forms.ModelChoiceField(DutyPost.objects.filter(is_active=True), label="岗位")
    person = forms.ModelChoiceField(User.objects.none(), label="系统账号（可选）", required=False,
                                    help_text="选择后姓名、手机可留空；有账号的值班人员会收到提醒")
    name = forms.CharField(label="姓名", max_length=50, required=False)
    phone = forms.CharField(label="手机", max_length=40, required=False)
    title = forms.CharField(label="职务", max_length=60, required=False)
    side = forms.ChoiceField(label="党/政（带班领导）", choices=[("", "—"), *Assignment.Side.choices], required=False)

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unit is not None:
            self.fields["person"].queryset = User.objects.filter(unit=unit, is_active=True).order_by("display_name")

    def clean(self):
        data = super().clean()
        if not data.get("person") and not (data.get("name") and data.get("phone")):
            raise forms.ValidationError("请选择系统账号，或填写姓名和手机")
        return data


class SwapForm(Styled, forms.Form):
    name = forms.CharField(label="替班人姓名", max_length=50)
    phone = forms.CharField(label="替班人手机", max_length=40)
    reason = forms.CharField(label="原因", max_length=300)


class LogForm(Styled, forms.ModelForm):
    content = forms.CharField(label="内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = LogEntry
        fields = ["at", "kind", "source", "content", "open"]
        widgets = {"at": DATETIME}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.initial.setdefault("at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))


class HandoverForm(Styled, forms.Form):
    summary = forms.CharField(label="本班情况", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ReceiveForm(Styled, forms.Form):
    note = forms.CharField(label="接班意见", max_length=300, required=False)


class CheckForm(Styled, forms.ModelForm):
    class Meta:
        model = SpotCheck
        fields = ["unit", "called_at", "phone", "answered", "seconds", "answered_by", "on_roster", "knows_procedure",
                  "note"]
        widgets = {"called_at": DATETIME}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["called_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.initial.setdefault("called_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
        units = Organisation.objects.filter(is_active=True, kind__in=[Organisation.Kind.TOWN_OFFICE,
                                                                       Organisation.Kind.DEPARTMENT])
        if user is not None and user.unit_id:
            units = units.filter(region__path__startswith=unit_region_path(user)).exclude(pk=user.unit_id)
        self.fields["unit"].queryset = units.order_by("kind", "name")


class PeriodForm(Styled, forms.ModelForm):
    leader = forms.IntegerField(label="带班领导每班人数（加强）", min_value=0, max_value=9, required=False)
    officer = forms.IntegerField(label="值班员每班人数（加强）", min_value=0, max_value=9, required=False)

    class Meta:
        model = KeyPeriod
        fields = ["name", "kind", "region", "starts_on", "ends_on", "dual_leadership", "note"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(level__in=[Region.Level.DISTRICT, Region.Level.TOWN]).order_by("path")
        if user is not None and user.unit_id:
            regions = regions.filter(path__startswith=unit_region_path(user))
        self.fields["region"].queryset = regions
        raises = self.instance.raises or {}
        self.initial.setdefault("leader", raises.get("leader"))
        self.initial.setdefault("officer", raises.get("officer"))

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "结束日期不能早于开始日期")
        self.instance.raises = {k: data[k] for k in ("leader", "officer") if data.get(k)}
        return data


class RuleForm(Styled, forms.Form):
    kind = forms.ChoiceField(label="单位类型", choices=[("", "—"), *Organisation.Kind.choices[:4]], required=False)
    unit = forms.ModelChoiceField(Organisation.objects.none(), label="或某一单位", required=False)
    post = forms.ModelChoiceField(DutyPost.objects.filter(is_active=True), label="岗位")
    minimum = forms.IntegerField(label="每班最少人数（0 为删除）", min_value=0, max_value=9)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Organisation.objects.filter(is_active=True).exclude(kind__in=[Organisation.Kind.ENTERPRISE,
                                                                                Organisation.Kind.RESCUE_TEAM,
                                                                                Organisation.Kind.VILLAGE_COMMITTEE])
        if user is not None and user.unit_id:
            units = units.filter(region__path__startswith=unit_region_path(user))
        self.fields["unit"].queryset = units.order_by("kind", "name")

    def clean(self):
        data = super().clean()
        if bool(data.get("kind")) == bool(data.get("unit")):
            raise forms.ValidationError("请选择单位类型或某一单位（二选一）")
        return data
