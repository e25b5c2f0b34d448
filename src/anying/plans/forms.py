"""Forms of the plans and drills pages (services.py and drills.py hold the rules)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from anying.core.forms import Styled
from anying.core.models import Organisation
from anying.core.scope import region_subtree_q

from .models import (
    Drill,
    DrillEvaluation,
    EmergencyPlan,
    HazardType,
    PlanAction,
    PlanEvaluation,
    PlanResource,
    PlanRole,
    ResponseLevel,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(Styled, forms.ModelForm):
    owner = forms.ModelChoiceField(Organisation.objects.none(), label="编制单位")

    class Meta:
        model = EmergencyPlan
        fields = ["name", "level", "hazard_type", "owner", "parent", "document_number", "edition", "summary",
                  "issued_on", "effective_from", "effective_to", "revision_cycle_years"]
        widgets = {"issued_on": DATE, "effective_from": DATE, "effective_to": DATE,
                   "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hazard_type"].queryset = HazardType.objects.all()
        owners = Organisation.objects.filter(is_active=True)
        if user is not None and user.unit_id:
            mine = owners.filter(pk=user.unit_id)
            if user.has_perm_code("plans.review") and user.unit.is_government:
                owners = mine | owners.filter(region_subtree_q(user, "region")).exclude(
                    kind__in=[Organisation.Kind.ENTERPRISE, Organisation.Kind.RESCUE_TEAM])
            else:
                owners = mine
        self.fields["owner"].queryset = owners.order_by("kind", "name")
        if self.instance.pk:
            self.fields["owner"].disabled = True
        plans = EmergencyPlan.objects.visible_to(user) if user is not None else EmergencyPlan.objects.none()
        self.fields["parent"].queryset = plans.filter(enterprise__isnull=True).exclude(pk=self.instance.pk).order_by(
            "level", "name")
        if user is not None and user.unit_id and not self.instance.pk:
            self.initial.setdefault("owner", user.unit_id)


class StepForm(Styled, forms.Form):
    comment = forms.CharField(label="意见/说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    issued_on = forms.DateField(label="印发日期", required=False, widget=DATE)
    document_number = forms.CharField(label="文号", required=False, max_length=60)
    filing_number = forms.CharField(label="备案编号", required=False, max_length=60)
    filed_on = forms.DateField(label="备案日期", required=False, widget=DATE)


class LevelForm(Styled, forms.ModelForm):
    class Meta:
        model = ResponseLevel
        fields = ["number", "name", "criteria"]
        widgets = {"criteria": forms.Textarea(attrs={"rows": 2}),
                   "number": forms.Select(choices=[(n, f"{'一二三四'[n - 1]}级") for n in range(1, 5)])}


class RoleForm(Styled, forms.ModelForm):
    class Meta:
        model = PlanRole
        fields = ["name", "unit_text", "duties", "order"]
        widgets = {"duties": forms.Textarea(attrs={"rows": 2})}


class ActionForm(Styled, forms.ModelForm):
    class Meta:
        model = PlanAction
        fields = ["level", "role", "text", "within_minutes", "order"]

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = ResponseLevel.objects.filter(plan=plan) if plan else ResponseLevel.objects.none()
        self.fields["role"].queryset = PlanRole.objects.filter(plan=plan) if plan else PlanRole.objects.none()


class ResourceForm(Styled, forms.ModelForm):
    class Meta:
        model = PlanResource
        fields = ["name", "quantity", "note"]


class EvaluationForm(Styled, forms.ModelForm):
    revise_due = forms.DateField(label="修订完成期限", required=False, widget=DATE,
                                 help_text="结论为“需要修订”时布置修订任务；为空时为评估后 90 天")

    class Meta:
        model = PlanEvaluation
        fields = ["evaluated_on", "evaluator", "conclusion", "findings"]
        widgets = {"evaluated_on": DATE, "findings": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["evaluated_on"] = self.initial.get("evaluated_on") or timezone.localdate()


class DrillForm(Styled, forms.ModelForm):
    class Meta:
        model = Drill
        fields = ["name", "kind", "hazard_type", "evacuation", "plan", "year", "month", "scenario", "partners"]
        widgets = {"scenario": forms.Textarea(attrs={"rows": 2}),
                   "month": forms.Select(choices=[(m, f"{m}月") for m in range(1, 13)])}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hazard_type"].queryset = HazardType.objects.all()
        plans = EmergencyPlan.objects.visible_to(user) if user is not None else EmergencyPlan.objects.none()
        self.fields["plan"].queryset = plans.order_by("level", "name")
        self.initial["year"] = self.initial.get("year") or timezone.localdate().year
        self.initial["month"] = self.initial.get("month") or timezone.localdate().month


class MultipleFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFiles(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class RecordForm(Styled, forms.Form):
    held_on = forms.DateField(label="演练日期", widget=DATE)
    place = forms.CharField(label="地点", max_length=200)
    units = forms.CharField(label="参演单位", max_length=300, required=False)
    people = forms.IntegerField(label="参演人数", min_value=0, max_value=100000, required=False)
    text = forms.CharField(label="演练情况", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleFileField(label="照片（可多选）", required=False)


class CancelForm(Styled, forms.Form):
    reason = forms.CharField(label="取消原因", max_length=500)


class DrillEvaluationForm(Styled, forms.ModelForm):
    class Meta:
        model = DrillEvaluation
        fields = ["score", "evaluated_on", "evaluator", "summary"]
        widgets = {"evaluated_on": DATE, "summary": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["evaluated_on"] = self.initial.get("evaluated_on") or timezone.localdate()


class WeaknessForm(Styled, forms.Form):
    text = forms.CharField(label="发现的问题", max_length=1000)
    unit = forms.ModelChoiceField(Organisation.objects.none(), label="整改责任单位")
    due = forms.DateField(label="完成期限", widget=DATE)
    revise = forms.BooleanField(label="需修订预案", required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Organisation.objects.none()
        self.initial.setdefault("due", timezone.localdate() + dt.timedelta(days=30))


WeaknessFormSet = forms.formset_factory(WeaknessForm, extra=3, max_num=30, validate_max=True)


class DoneForm(Styled, forms.Form):
    note = forms.CharField(label="完成情况", max_length=500)


class RequirementForm(Styled, forms.Form):
    value = forms.IntegerField(label="数值", min_value=1, max_value=100)
