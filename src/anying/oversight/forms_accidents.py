from django import forms

from anying.core.forms import Styled
from anying.core.listing import MAX_ID
from anying.core.models import Industry, Organisation, Region
from anying.registry.forms import DateInput
from anying.standards.models import AccidentType
from anying.tips.forms import DateTimeInput

from .models import Accident


class AccidentForm(Styled, forms.Form):
    occurred_at = forms.DateTimeField(label="发生时间", widget=DateTimeInput(),
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label="发生地点", max_length=200)
    party = forms.CharField(label="事故单位", max_length=200, required=False,
                            help_text="输入名称从登记的企业中选择；未登记的单位或个人直接填写，并选择镇街和行业")
    enterprise = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    region = forms.ModelChoiceField(label="所在镇街", required=False, queryset=Region.objects.none(),
                                    help_text="选择登记企业时按企业所在镇街")
    industry = forms.ModelChoiceField(label="行业", required=False, queryset=Industry.objects.all(),
                                      help_text="选择登记企业时按企业行业")
    accident_type = forms.ModelChoiceField(label="事故类型（GB 6441-2025）",
                                           queryset=AccidentType.objects.filter(group="基本事故类型"))
    deaths = forms.IntegerField(label="死亡人数", min_value=0, max_value=100000, initial=0)
    serious_injuries = forms.IntegerField(label="重伤人数", min_value=0, max_value=100000, initial=0,
                                          help_text="含急性工业中毒")
    minor_injuries = forms.IntegerField(label="轻伤人数", min_value=0, max_value=100000, initial=0)
    direct_loss = forms.DecimalField(label="直接经济损失（元）", min_value=0, max_digits=16, decimal_places=2, initial=0)
    summary = forms.CharField(label="事故经过", widget=forms.Textarea(attrs={"rows": 4}))
    cause = forms.CharField(label="初步原因", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reported_by = forms.CharField(label="报告人", max_length=100, required=False)
    unit = forms.ModelChoiceField(label="负责单位", required=False, queryset=Organisation.objects.none(),
                                  help_text="跟踪调查和回头看的单位；留空为事故所在镇街应急办")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from anying.core.scope import region_subtree_q

        self.fields["region"].queryset = Region.objects.filter(level=Region.Level.TOWN) \
            .filter(region_subtree_q(user, "")).order_by("path")
        self.fields["unit"].queryset = Organisation.objects.filter(
            kind__in=[Organisation.Kind.COMMITTEE_OFFICE, Organisation.Kind.DEPARTMENT, Organisation.Kind.TOWN_OFFICE],
            is_active=True).filter(region_subtree_q(user, "region")).select_related("region")

    @staticmethod
    def initial_of(accident: Accident) -> dict:
        from django.utils import timezone

        return {"occurred_at": timezone.localtime(accident.occurred_at).strftime("%Y-%m-%dT%H:%M"),
                "place": accident.place, "party": accident.party_name, "enterprise": accident.enterprise_id,
                "region": accident.region_id, "industry": accident.industry_id,
                "accident_type": accident.accident_type_id, "deaths": accident.deaths,
                "serious_injuries": accident.serious_injuries, "minor_injuries": accident.minor_injuries,
                "direct_loss": accident.direct_loss, "summary": accident.summary, "cause": accident.cause,
                "reported_by": accident.reported_by, "unit": accident.unit_id}

    def service_data(self) -> dict:
        return {**self.cleaned_data, "enterprise": self.cleaned_data.get("enterprise") or None}


class InvestigationForm(Styled, forms.Form):
    team = forms.CharField(label="调查组", widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="组长单位和成员单位")
    findings = forms.CharField(label="事故原因认定", widget=forms.Textarea(attrs={"rows": 3}))
    enterprise_responsibility = forms.CharField(label="企业主体责任认定及处理", widget=forms.Textarea(attrs={"rows": 3}))
    supervision_responsibility = forms.CharField(label="监管责任认定及问责", widget=forms.Textarea(attrs={"rows": 3}),
                                                 help_text="属地和部门监管责任，相关单位和人员问责情况")
    measures = forms.CharField(label="整改措施和建议", widget=forms.Textarea(attrs={"rows": 3}))
    report_date = forms.DateField(label="调查报告日期", widget=DateInput())


class CloseForm(Styled, forms.Form):
    closed_on = forms.DateField(label="结案日期", widget=DateInput())


class LookBackForm(Styled, forms.Form):
    date = forms.DateField(label="回头看日期", widget=DateInput())
    findings = forms.CharField(label="评估情况", widget=forms.Textarea(attrs={"rows": 3}))
    implemented = forms.TypedChoiceField(label="整改措施是否落实", choices=[("1", "已落实"), ("0", "未完全落实")],
                                         coerce=lambda v: v == "1", widget=forms.RadioSelect)


class InterviewForm(Styled, forms.Form):
    held_on = forms.DateField(label="约谈日期", widget=DateInput())
    notes = forms.CharField(label="约谈情况", widget=forms.Textarea(attrs={"rows": 3}))
    joint_punishment = forms.BooleanField(label="纳入联合惩戒（失信名单）", required=False)

