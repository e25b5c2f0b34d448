"""Forms of the training archive; the services validate again."""

from django import forms

from anying.core.forms import Styled
from anying.registry.forms import DateInput

from .models import Kind


class SessionForm(Styled, forms.Form):
    kind = forms.ChoiceField(label="培训类别", choices=Kind.choices)
    topic = forms.CharField(label="培训内容", max_length=200, help_text="如：新员工厂级安全教育（本单位安全生产情况、规章制度、事故案例）")
    held_on = forms.DateField(label="培训日期", widget=DateInput())
    hours = forms.DecimalField(label="学时", max_digits=5, decimal_places=1, min_value=0.5, max_value=200,
                               help_text="1学时为45分钟")
    trainer = forms.CharField(label="授课人（机构）", max_length=100)
    place = forms.CharField(label="地点", max_length=100, required=False)
    has_exam = forms.BooleanField(label="有考试（考核）", required=False, initial=True)
    pass_mark = forms.IntegerField(label="合格分数", min_value=0, max_value=100, initial=60)
    attendees = forms.CharField(label="参训人员", max_length=20000, widget=forms.Textarea(attrs={"rows": 6}),
                                help_text="每行一人：姓名 岗位 成绩，如“张三 焊工 86”。主要负责人、安全管理人员按企业档案中的姓名填写，"
                                          "计入其本人的培训档案")


class TraineeForm(Styled, forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    post = forms.CharField(label="岗位", max_length=100, required=False)
    hired_on = forms.DateField(label="入职（上岗）日期", required=False, widget=DateInput(),
                               help_text="当年上岗的按岗前（初次）培训学时要求计算")
    is_active = forms.BooleanField(label="在岗", required=False, initial=True)


class PlanItemForm(Styled, forms.Form):
    month = forms.IntegerField(label="计划月份", min_value=1, max_value=12)
    kind = forms.ChoiceField(label="培训类别", choices=Kind.choices)
    topic = forms.CharField(label="培训内容", max_length=200)
    audience = forms.CharField(label="培训对象", max_length=100, help_text="如：新入职员工、全体从业人员、主要负责人")
    hours = forms.DecimalField(label="计划学时", max_digits=5, decimal_places=1, min_value=0.5, max_value=200)
