"""Forms of campaigns: the campaign with its three phases (two required), and an item of its table."""

from django import forms

from anying.core.forms import Styled
from anying.core.models import Industry
from anying.core.scope import user_industry_ids
from anying.registry.forms import DateInput

from .models import Phase


class IdsField(forms.ModelMultipleChoiceField):
    """Ids that are not small whole numbers are refused before they reach the database."""

    def _check_values(self, value):
        if any(not str(v).isascii() or not str(v).isdigit() or len(str(v)) > 10 for v in value):
            raise forms.ValidationError("请从列表中选择", code="invalid_pk_value")
        return super()._check_values(value)


class CampaignForm(Styled, forms.Form):
    name = forms.CharField(label="名称", max_length=100, help_text="如：2026年动火等危险作业专项整治")
    industries = IdsField(label="涉及行业", queryset=Industry.objects.none(), required=False,
                          widget=forms.CheckboxSelectMultiple, help_text="不选即本辖区全部行业；选上级行业即包括其下各行业")
    starts_on = forms.DateField(label="开始日期", widget=DateInput())
    ends_on = forms.DateField(label="结束日期", widget=DateInput())
    goal = forms.CharField(label="工作目标与重点", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        industries = Industry.objects.order_by("path")
        allowed = user_industry_ids(user) if user is not None else None
        if allowed is not None:
            industries = industries.filter(pk__in=allowed)
        self.fields["industries"].queryset = industries
        for kind in Phase.Kind:
            required = kind != Phase.Kind.CONSOLIDATION
            suffix = "" if required else "（可选）"
            self.fields[f"{kind.value}_starts_on"] = forms.DateField(label=f"{kind.label}阶段开始{suffix}",
                                                                     widget=DateInput(), required=required)
            self.fields[f"{kind.value}_ends_on"] = forms.DateField(label=f"{kind.label}阶段结束{suffix}",
                                                                   widget=DateInput(), required=required)

    def phases(self) -> list[dict]:
        data = self.cleaned_data
        out = []
        for kind in Phase.Kind:
            start, end = data.get(f"{kind.value}_starts_on"), data.get(f"{kind.value}_ends_on")
            if start or end or kind != Phase.Kind.CONSOLIDATION:
                out.append({"kind": kind.value, "starts_on": start, "ends_on": end})
        return out

    def phase_fields(self):
        return [(kind.label, self[f"{kind.value}_starts_on"], self[f"{kind.value}_ends_on"]) for kind in Phase.Kind]


class ItemForm(Styled, forms.Form):
    category = forms.CharField(label="类别", max_length=50, required=False, help_text="如：动火作业、有限空间")
    content = forms.CharField(label="排查内容", max_length=300)
    basis = forms.CharField(label="依据", max_length=300, required=False, help_text="如：GB 30871-2022 第5.2条")
    industry = forms.ModelChoiceField(label="适用行业", queryset=Industry.objects.none(), required=False)

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Industry.objects.order_by("path")
        if campaign is not None and campaign.industries.exists():
            from django.db.models import Q
            q = Q()
            for industry in campaign.industries.all():
                q |= Q(path__startswith=industry.path)
            qs = qs.filter(q)
        self.fields["industry"].queryset = qs


class CloseForm(Styled, forms.Form):
    comment = forms.CharField(label="行动总结", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False)
