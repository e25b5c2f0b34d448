from django import forms

from anying.core.forms import Styled
from anying.registry.forms import DateInput

from .models import Inspector


class InspectorForm(Styled, forms.ModelForm):
    class Meta:
        model = Inspector
        fields = ["unit", "name", "certificate_no", "certificate_expiry", "phone", "user", "active"]
        widgets = {"certificate_expiry": DateInput()}

    def __init__(self, *args, units=None, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["user"].queryset = users
        self.fields["user"].required = False
        self.fields["user"].help_text = "有系统账号的执法人员可据此认领抽取结果和检查任务"


class ExclusionForm(Styled, forms.Form):
    credit_code = forms.CharField(label="回避企业统一社会信用代码", max_length=18)
    reason = forms.CharField(label="回避原因", max_length=200)


class GenerateForm(Styled, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)


class MonthForm(Styled, forms.Form):
    month = forms.TypedChoiceField(label="计划月份", coerce=int, choices=[(m, f"{m}月") for m in range(1, 13)])


class AddItemForm(MonthForm):
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18)
