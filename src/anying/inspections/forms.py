import re

from django import forms

from anying.campaigns.models import Campaign
from anying.core.forms import Styled
from anying.hazards.forms import ChecklistResults, offer_campaigns
from anying.registry.forms import DateInput

from .casework import MEASURES
from .models import Inspector, Penalty


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


class DrawForm(Styled, forms.Form):
    title = forms.CharField(label="抽查事项", max_length=100, initial="安全生产双随机抽查")
    targets = forms.IntegerField(label="抽取企业数", min_value=1, max_value=10000)
    key = forms.FloatField(label="重点企业比例", min_value=0, initial=50)
    standardized = forms.FloatField(label="标准化企业比例", min_value=0, initial=20)
    general = forms.FloatField(label="一般企业比例", min_value=0, initial=30)
    inspectors_per_target = forms.IntegerField(label="每家企业执法人员数", min_value=2, max_value=5, initial=2)
    plan_month = forms.TypedChoiceField(label="范围", coerce=int, required=False, empty_value=None,
                                        choices=[("", "本单位监管的全部在业企业")] +
                                                [(m, f"已批准年度计划 {m} 月的企业") for m in range(1, 13)])


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class InspectionForm(ChecklistResults, Styled, forms.Form):
    """现场检查记录: who, when, where, each item's result, and the typed signatures."""

    HELD_AS = "inspection"

    inspectors = forms.ModelMultipleChoiceField(label="执法人员（不少于 2 人）", queryset=Inspector.objects.none(),
                                                widget=forms.CheckboxSelectMultiple)
    started_at = forms.DateTimeField(label="检查开始", widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    ended_at = forms.DateTimeField(label="检查结束", widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    scope_text = forms.CharField(label="检查场所及内容", max_length=300)
    summary = forms.CharField(label="检查情况", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    signatures = forms.CharField(label="执法人员签名", max_length=200,
                                 help_text="每名执法人员输入本人姓名，用顿号或逗号分隔")
    enterprise_signatory = forms.CharField(label="被检查单位现场负责人签名", max_length=50)
    rectify_by = forms.DateField(label="责令整改期限", widget=DateInput(), required=False,
                                 help_text="发现问题时必填：写入责令限期整改指令书，并作为各项隐患的整改期限")
    campaign = forms.ModelChoiceField(label="专项行动", queryset=Campaign.objects.none(), required=False)

    def __init__(self, *args, inspectors=None, items=(), user=None, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        offer_campaigns(self, user, enterprise)
        self.fields["inspectors"].queryset = inspectors
        self.fields["inspectors"].label_from_instance = lambda i: f"{i.name}（{i.certificate_no}）"
        self.add_item_fields(items)
        # Nothing is assumed: every item starts unanswered and must be answered (plain radios,
        # large enough to tap on a phone). records.record refuses an unanswered item too.
        for item in self.items:
            field = self.fields[f"result_{item.pk}"]
            field.initial = None
            field.error_messages["required"] = "请选择符合、不符合或不涉及"
            field.widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        missing = [str(n) for n, item in enumerate(self.items, 1) if f"result_{item.pk}" in self.errors]
        if missing:  # said at the top too: on a phone the item may be far down the page
            others = any(not name.startswith("result_") for name in self.errors)
            self.add_error(None, f"第 {'、'.join(missing)} 项未作答：请逐项选择符合、不符合或不涉及"
                                 + ("；另有标红的项目也请修改" if others else ""))
        return data

    def signature_list(self) -> list[str]:
        return [s for s in re.split(r"[、,，\s]+", self.cleaned_data["signatures"]) if s]


class ReviewForm(Styled, forms.Form):
    again_by = forms.DateField(label="未整改合格项再次限期至", widget=DateInput(), required=False)


class PenaltyForm(Styled, forms.ModelForm):
    class Meta:
        model = Penalty
        fields = ["party", "party_name", "procedure", "amount", "facts", "evidence", "violated", "legal_basis", "campaign"]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in ("facts", "evidence", "violated", "legal_basis")}

    def __init__(self, *args, user=None, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        offer_campaigns(self, user, enterprise)


class ExtensionForm(Styled, forms.Form):
    """延长作出决定期限: who approved (the head, or the level above), when, and why."""

    approver = forms.CharField(label="批准人", max_length=100)
    approved_on = forms.DateField(label="批准日期", widget=DateInput())
    reason = forms.CharField(label="延长理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)

    def __init__(self, *args, limit=None, **kwargs):
        super().__init__(*args, **kwargs)
        if limit is not None and limit.approval == "above":
            self.fields["approver"].label = "批准的上一级部门及批准人"
        else:
            self.fields["approver"].label = "同意延长的本部门负责人"


class PaymentForm(Styled, forms.Form):
    paid_on = forms.DateField(label="缴款日期", widget=DateInput())
    paid_amount = forms.DecimalField(label="实缴金额（元）", max_digits=12, decimal_places=2, min_value=0)


class SiteMeasuresForm(Styled, forms.Form):
    """现场处理措施决定书 (casework.issue_site_measures)."""
    measures = forms.MultipleChoiceField(label="现场处理措施", widget=forms.CheckboxSelectMultiple,
                                         choices=list(MEASURES.items()))
    until = forms.DateField(label="执行至（可不填）", widget=DateInput(), required=False)


class InquiryForm(Styled, forms.Form):
    """询问笔录 (casework.record_inquiry)."""
    person = forms.CharField(label="被询问人", max_length=50)
    position = forms.CharField(label="职务", max_length=50, required=False)
    person_unit = forms.CharField(label="工作单位", max_length=100, required=False)
    person_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    place = forms.CharField(label="询问地点", max_length=100)
    started = forms.DateTimeField(label="开始时间", widget=DateTimeInput())
    ended = forms.DateTimeField(label="结束时间", widget=DateTimeInput())
    record = forms.CharField(label="询问内容", max_length=20000, widget=forms.Textarea(attrs={"rows": 6}),
                             help_text="逐行记录，每行以“问：”或“答：”开头")


class TransferForm(Styled, forms.Form):
    """案件移送书 (casework.issue_transfer)."""
    receiver = forms.CharField(label="接收机关", max_length=100, help_text="如：重庆市公安局铜梁区分局")
    suspicion = forms.CharField(label="涉嫌罪名或犯罪事实", max_length=200)
    materials = forms.CharField(label="随案移送材料", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="每行一项，如：现场检查记录、询问笔录、调查报告")
    copy_to = forms.CharField(label="抄送", max_length=100, required=False, help_text="如：铜梁区人民检察院")
