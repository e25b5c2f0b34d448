from decimal import Decimal

from django import forms

from anying.core import amounts
from anying.core.forms import Styled
from anying.core.listing import MAX_ID
from anying.core.models import Organisation
from anying.hazards.forms import MultipleFileField
from anying.registry.forms import DateInput
from anying.registry.models import Enterprise

from . import services
from .models import Reward, Tip, TipRules


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class TipForm(Styled, forms.Form):
    """The public form (and the 12350 desk's phone form). Field checks that need the data as a
    whole (anonymity, photos) are the service's, so the API and the page refuse the same."""

    category = forms.ChoiceField(label="举报什么", choices=Tip.Category.choices, widget=forms.RadioSelect)
    description = forms.CharField(label="具体情况", widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
                                  max_length=2000, help_text="发生了什么、涉及哪些设备或场所、持续多久等（10–2000 字）")
    region = forms.ModelChoiceField(label="所在镇街", queryset=services.places(),
                                    help_text="不清楚可选区县")
    place = forms.CharField(label="具体地点", max_length=200, help_text="如：某某路 12 号厂房楼梯间")
    enterprise_text = forms.CharField(label="被举报单位", max_length=200, required=False,
                                      help_text="输入名称可从登记的企业中选择，也可直接填写")
    enterprise = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    happened_at = forms.DateTimeField(label="发生或发现时间", required=False, widget=DateTimeInput(),
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    photos = MultipleFileField(label="现场照片（最多 5 张）", required=False,
                               help_text="JPG 或 PNG，每张不超过 5 MB")
    anonymous = forms.TypedChoiceField(label="是否匿名", choices=[("1", "匿名举报"), ("0", "实名举报")],
                                       coerce=lambda v: v == "1", initial="1", widget=forms.RadioSelect,
                                       help_text="匿名举报不留任何个人信息，凭举报编号和查询密码查询结果、领取奖励")
    reporter_name = forms.CharField(label="姓名", max_length=50, required=False)
    reporter_phone = forms.CharField(label="联系电话", max_length=20, required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "tel"}))
    # honeypot: hidden from people by CSS, filled in by form-filling robots
    website = forms.CharField(label="网址（请勿填写）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].widget.attrs.update({"accept": "image/jpeg,image/png"})
        for name in ("category", "anonymous"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("photos", "website")}


class StatusForm(Styled, forms.Form):
    code = forms.CharField(label="举报编号", max_length=20, widget=forms.TextInput(
        attrs={"autocomplete": "off", "autocapitalize": "characters", "placeholder": "如 7KQ2-M9XD-4"}))
    pin = forms.CharField(label="查询密码", max_length=10, widget=forms.PasswordInput(
        attrs={"inputmode": "numeric", "autocomplete": "off"}))


class AssignForm(Styled, forms.Form):
    unit = forms.ModelChoiceField(label="承办单位", queryset=Organisation.objects.none())
    text = forms.CharField(label="交办意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        field.queryset = Organisation.objects.filter(pk__in=[u.pk for u in units])
        field.choices = [("", "请选择")] + [(u.pk, u.name) for u in units]  # best first, as routing orders them


class StepForm(Styled, forms.Form):
    text = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ConcludeForm(Styled, forms.Form):
    substantiated = forms.TypedChoiceField(label="核查结论", choices=[("1", "属实"), ("0", "不属实")],
                                           coerce=lambda v: v == "1", widget=forms.RadioSelect)
    text = forms.CharField(label="核查情况（内部，不向举报人公开）", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["substantiated"].widget.attrs["class"] = "form-check-input"


class ReplyForm(Styled, forms.Form):
    text = forms.CharField(label="答复意见（举报人凭编号和密码可见）", max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 4}))


class EnterpriseForm(Styled, forms.Form):
    """Names the enterprise by search (the same name search as the public form); the service
    checks it lies in the handler's scope."""

    enterprise = forms.ModelChoiceField(label="被举报单位", queryset=Enterprise.objects.all(), widget=forms.HiddenInput,
                                        error_messages={"required": "请从搜索结果中选择单位",
                                                        "invalid_choice": "请从搜索结果中选择单位"})


class LinkForm(Styled, forms.Form):
    kind = forms.ChoiceField(label="关联", choices=[("inspection", "执法检查"), ("penalty", "行政处罚"), ("hazard", "隐患")])
    object_id = forms.IntegerField(label="编号", min_value=1, max_value=MAX_ID)
    remove = forms.BooleanField(required=False, widget=forms.HiddenInput)


class RewardForm(Styled, forms.Form):
    basis = forms.ChoiceField(label="奖励依据", choices=Reward.Basis.choices)
    grade = forms.ChoiceField(label="事故等级（瞒报谎报事故）", choices=[("", "—")] + list(Reward.Grade.choices),
                              required=False)
    deaths = forms.IntegerField(label="查实瞒报谎报死亡人数", min_value=1, max_value=1000, required=False)


class DecideRewardForm(Styled, forms.Form):
    approve = forms.TypedChoiceField(label="审批", choices=[("1", "批准"), ("0", "不予奖励")], coerce=lambda v: v == "1")
    note = forms.CharField(label="审批意见", max_length=200, required=False)


class PayRewardForm(Styled, forms.Form):
    paid_on = forms.DateField(label="发放日期", widget=DateInput())
    reference = forms.CharField(label="发放凭证号", max_length=60)


class RulesForm(Styled, forms.ModelForm):
    # The rule keeps a fraction (0.1500); a clerk reads and types the percentage (15).
    reward_rate = forms.DecimalField(label="罚款奖励比例（%）", min_value=0, max_value=100, decimal_places=2,
                                     help_text="查实后按罚款金额的这一比例奖励，例如 15 表示 15%")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rate = self.initial.get("reward_rate")
        if rate is not None:
            self.initial["reward_rate"] = amounts.percent(rate).rstrip("%")  # 0.1500 → "15"

    def clean_reward_rate(self):
        return (self.cleaned_data["reward_rate"] / 100).quantize(Decimal("0.0001"))

    class Meta:
        model = TipRules
        fields = ["verify_days", "reply_days", "reward_rate", "reward_min", "reward_max", "death_general",
                  "death_larger", "death_major", "death_especially", "death_max", "source"]


class StatsForm(Styled, forms.Form):
    group = forms.ChoiceField(label="统计维度", choices=[("category", "按类别"), ("unit", "按承办单位"), ("month", "按月份")],
                              required=False)
    start = forms.DateField(label="受理日期自", required=False, widget=DateInput())
    end = forms.DateField(label="至", required=False, widget=DateInput())
