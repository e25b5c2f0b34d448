"""Forms of 停复产: the order (its source picked from the enterprise's own records), the steps."""

from django import forms
from django.utils import timezone

from anying.campaigns.models import Campaign
from anying.core.forms import Styled
from anying.hazards.forms import MultipleFileField, offer_campaigns
from anying.hazards.models import Hazard
from anying.inspections.models import Penalty
from anying.oversight.models import Accident
from anying.registry.forms import DateInput
from anying.warning.models import Warning

from .models import Stoppage


class OrderForm(Styled, forms.Form):
    source = forms.ChoiceField(label="停产原因类别", choices=Stoppage.Source.choices)
    penalty = forms.ModelChoiceField(label="行政处罚", queryset=Penalty.objects.none(), required=False)
    accident = forms.ModelChoiceField(label="生产安全事故", queryset=Accident.objects.none(), required=False)
    hazard = forms.ModelChoiceField(label="重大事故隐患", queryset=Hazard.objects.none(), required=False)
    warning = forms.ModelChoiceField(label="预警", queryset=Warning.objects.none(), required=False)
    reason = forms.CharField(label="停产整顿事由", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    legal_basis = forms.CharField(label="依据", max_length=300,
                                  help_text="如：《安全生产法》第一百零二条、第六十五条；事故矿山停产依据区安全生产工作要点")
    requirements = forms.CharField(label="整改要求", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False)
    ordered_on = forms.DateField(label="下达日期", widget=DateInput())
    earliest_restart = forms.DateField(label="最早复产日期", widget=DateInput(), required=False,
                                       help_text="矿山发生事故的按规定自动计算（一般事故3个月，较大事故6个月并关闭）")
    campaign = forms.ModelChoiceField(label="专项行动", queryset=Campaign.objects.none(), required=False)

    def __init__(self, *args, user=None, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["penalty"].queryset = Penalty.objects.visible_to(user).filter(enterprise=enterprise).order_by("-filed_on")
        self.fields["accident"].queryset = Accident.objects.visible_to(user).filter(enterprise=enterprise).order_by("-occurred_at")
        self.fields["hazard"].queryset = Hazard.objects.visible_to(user).filter(
            enterprise=enterprise, level=Hazard.Level.MAJOR).order_by("-found_on")
        recent = timezone.now() - timezone.timedelta(days=30)
        self.fields["warning"].queryset = Warning.objects.visible_to(user).filter(issued_at__gte=recent).order_by("-issued_at")
        self.fields["penalty"].label_from_instance = lambda p: f"{p.filed_on:%Y-%m-%d} {p.party_name} {p.get_status_display()}"
        self.fields["accident"].label_from_instance = lambda a: f"{a.occurred_at:%Y-%m-%d} {a.get_grade_display()} {a.place}"
        self.fields["hazard"].label_from_instance = lambda h: f"{h.found_on:%Y-%m-%d} {h.place}"
        offer_campaigns(self, user, enterprise)


class ApplyForm(Styled, forms.Form):
    report = forms.CharField(label="整改报告", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    files = MultipleFileField(label="整改材料", required=False, help_text="照片、整改报告、检测报告等，可多选")


class StepForm(Styled, forms.Form):
    comment = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)
    check_team = forms.CharField(label="验收组成员", max_length=200, required=False, help_text="验收合格时必填")
