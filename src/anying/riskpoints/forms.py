"""Forms of the risk points. Each takes the user (optional, for the choices it offers) and hands
plain values to the services, which validate again."""

from django import forms

from anying.core.forms import Styled
from anying.core.models import Region
from anying.core.scope import region_subtree_q
from anying.places.models import Place
from anying.registry.forms import DateInput
from anying.warning.models import Contact, Level
from anying.warning.reference import kind_choices

from .models import Evacuation, Kind


def _contacts(user):
    return Contact.objects.visible_to(user).filter(is_active=True) if user is not None else Contact.objects.none()


class DisasterPointForm(Styled, forms.Form):
    name = forms.CharField(label="名称", max_length=120, help_text="如：安溪村3组滑坡")
    code = forms.CharField(label="编号", max_length=40, required=False, help_text="统一编号或本地编号")
    kind = forms.ChoiceField(label="类型", choices=Kind.choices)
    region = forms.ModelChoiceField(label="所在村（社区）或镇街", queryset=Region.objects.none())
    location = forms.CharField(label="具体位置", max_length=200, required=False)
    latitude = forms.DecimalField(label="纬度", max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    longitude = forms.DecimalField(label="经度", max_digits=9, decimal_places=6, min_value=-180, max_value=180)
    households = forms.IntegerField(label="受威胁户数", min_value=0, max_value=1_000_000, initial=0,
                                    help_text="登记住户名单后按名单自动计算")
    people = forms.IntegerField(label="受威胁人数", min_value=0, max_value=1_000_000, initial=0)
    facilities = forms.CharField(label="受威胁设施", max_length=300, required=False)
    potential_loss = forms.DecimalField(label="潜在经济损失（万元）", max_digits=12, decimal_places=2, min_value=0,
                                        initial=0)
    scale = forms.CharField(label="规模或成因", max_length=200, required=False)
    admin_responsible = forms.ModelChoiceField(label="行政责任人", queryset=Contact.objects.none(), required=False)
    dept_responsible = forms.ModelChoiceField(label="主管部门责任人", queryset=Contact.objects.none(), required=False)
    keeper_responsible = forms.ModelChoiceField(label="管护单位责任人", queryset=Contact.objects.none(), required=False)
    monitors = forms.ModelMultipleChoiceField(label="群测群防员（监测人）", queryset=Contact.objects.none(),
                                              required=False, widget=forms.SelectMultiple(attrs={"size": 4}))
    identified_by = forms.CharField(label="识别标准", widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                    max_length=2000)
    closing_standard = forms.CharField(label="销号标准", widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                       max_length=2000)
    closing_year = forms.IntegerField(label="计划销号年度", min_value=2000, max_value=2100, required=False)
    measures = forms.CharField(label="整治措施", widget=forms.Textarea(attrs={"rows": 2}), required=False,
                               max_length=2000)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["region"].queryset = Region.objects.filter(
                level__in=[Region.Level.TOWN, Region.Level.VILLAGE]).filter(region_subtree_q(user, ""))
        for f in ("admin_responsible", "dept_responsible", "keeper_responsible", "monitors"):
            self.fields[f].queryset = _contacts(user)


class PlanForm(Styled, forms.Form):
    organiser = forms.ModelChoiceField(label="谁组织（转移组织人）", queryset=Contact.objects.none(), required=False)
    trigger_kinds = forms.MultipleChoiceField(label="何时转：预警类型", choices=(), required=False,
                                              widget=forms.CheckboxSelectMultiple,
                                              help_text="不选则按风险点类型对应的灾种（如地质灾害隐患点：暴雨、地质灾害等）")
    trigger_level = forms.ChoiceField(label="何时转：预警级别达到", choices=Level.choices, initial=Level.ORANGE)
    trigger_rainfall = forms.DecimalField(label="何时转：降雨量达到（毫米）", max_digits=6, decimal_places=1,
                                          required=False, min_value=0)
    trigger_rainfall_hours = forms.IntegerField(label="降雨量统计时长（小时）", min_value=1, max_value=72, required=False)
    trigger_observation = forms.CharField(label="何时转：征兆", widget=forms.Textarea(attrs={"rows": 2}),
                                          required=False, max_length=1000)
    shelter = forms.ModelChoiceField(label="转到哪（避难场所）", queryset=Place.objects.none(), required=False)
    route = forms.CharField(label="转移路线", max_length=300, required=False)
    management = forms.CharField(label="如何管（安置管理）", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                 max_length=2000)
    signal = forms.CharField(label="预警信号（如何通知群众）", max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trigger_kinds"].choices = [c for c in kind_choices() if c[0] != "other"]
        self.fields["organiser"].queryset = _contacts(user)
        if user is not None:
            self.fields["shelter"].queryset = Place.objects.visible_to(user).filter(kind=Place.Kind.SHELTER,
                                                                                   is_active=True)


class HouseholdForm(Styled, forms.Form):
    head = forms.CharField(label="户主", max_length=60)
    address = forms.CharField(label="住址（组、门牌）", max_length=200, required=False)
    people = forms.IntegerField(label="人数", min_value=1, max_value=50, initial=1)
    phone = forms.CharField(label="联系电话", max_length=20, required=False, help_text="不公开")
    elderly = forms.IntegerField(label="老年人", min_value=0, max_value=50, initial=0)
    disabled = forms.IntegerField(label="残疾人", min_value=0, max_value=50, initial=0)
    children = forms.IntegerField(label="留守儿童", min_value=0, max_value=50, initial=0)
    pregnant = forms.IntegerField(label="孕产妇", min_value=0, max_value=50, initial=0)
    bedridden = forms.IntegerField(label="卧床或重病", min_value=0, max_value=50, initial=0)
    helper = forms.CharField(label="结对帮扶人", max_length=60, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)


class StartForm(Styled, forms.Form):
    trigger = forms.ChoiceField(label="启动原因", choices=[(Evacuation.Trigger.OBSERVATION, "监测巡查发现征兆"),
                                                         (Evacuation.Trigger.ORDER, "指挥部指令")])
    reason = forms.CharField(label="情况说明", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmForm(Styled, forms.Form):
    household = forms.IntegerField(min_value=1, max_value=2_147_483_647, widget=forms.HiddenInput)
    people = forms.IntegerField(label="转移人数", min_value=0, max_value=99, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)
    undo = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CommentForm(Styled, forms.Form):
    comment = forms.CharField(label="说明", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PatrolRoundForm(Styled, forms.Form):
    day = forms.DateField(label="巡查日期", widget=DateInput())
    inspectors = forms.CharField(label="巡查人员", max_length=100)
    problem = forms.BooleanField(label="发现问题", required=False)
    note = forms.CharField(label="巡查情况", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RainCheckForm(Styled, forms.Form):
    problem = forms.BooleanField(label="发现问题", required=False)
    note = forms.CharField(label="情况", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
