"""Forms of relief. Each takes the user (for the choices it offers) and hands plain values to the
services, which validate again."""

from django import forms

from anying.core.forms import Styled
from anying.core.models import Region
from anying.core.scope import region_subtree_q
from anying.plans.forms import MultipleFileField
from anying.registry.forms import DateInput
from anying.supplies.models import Item, Warehouse

from .models import Donation, Finding, FundUse, Need, Round, Source


def _regions(user, level):
    if user is None:
        return Region.objects.none()
    return Region.objects.filter(level=level).filter(region_subtree_q(user, "")).order_by("path")


class ReliefRoundForm(Styled, forms.Form):
    name = forms.CharField(label="名称", max_length=80, help_text="如：2026—2027年度冬春救助")
    starts_on = forms.DateField(label="救助时段自", widget=DateInput())
    ends_on = forms.DateField(label="救助时段至", widget=DateInput())
    notice_days = forms.IntegerField(label="公示天数", min_value=1, max_value=60,
                                     help_text="整日计算；公示期满后方可县定")


class _InRound(Styled, forms.Form):
    round = forms.ModelChoiceField(label="冬春救助", queryset=Round.objects.none())
    village = forms.ModelChoiceField(label="村（社区）", queryset=Region.objects.none())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["round"].queryset = Round.objects.visible_to(user).filter(status=Round.Status.OPEN)
            villages = _regions(user, Region.Level.VILLAGE)
            self.fields["village"].queryset = villages
            if villages.count() == 1:  # a village officer files for their own village only
                self.fields["village"].initial = villages.first()
            rounds = self.fields["round"].queryset
            if rounds.count() == 1:
                self.fields["round"].initial = rounds.first()


class ApplicationForm(_InRound):
    head = forms.CharField(label="户主姓名", max_length=40)
    id_number = forms.CharField(label="户主身份证号", max_length=18, min_length=18,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
                                help_text="仅工作人员可见，公示时不显示")
    phone = forms.CharField(label="联系电话", max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}), help_text="不公开")
    members = forms.IntegerField(label="家庭人口", min_value=1, max_value=30)
    needs = forms.MultipleChoiceField(label="救助需求", choices=Need.choices, widget=forms.CheckboxSelectMultiple)
    situation = forms.CharField(label="受灾和困难情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    requested = forms.DecimalField(label="申请金额（元）", max_digits=10, decimal_places=2, min_value=1,
                                   widget=forms.NumberInput(attrs={"inputmode": "decimal"}))
    photos = MultipleFileField(label="照片", required=False, help_text="房屋、家庭困难情况照片，最多9张")


class ApplicationEditForm(Styled, forms.Form):
    head = ApplicationForm.base_fields["head"]
    id_number = ApplicationForm.base_fields["id_number"]
    phone = ApplicationForm.base_fields["phone"]
    members = ApplicationForm.base_fields["members"]
    needs = ApplicationForm.base_fields["needs"]
    situation = ApplicationForm.base_fields["situation"]
    requested = ApplicationForm.base_fields["requested"]


class SurveyForm(_InRound):
    households = forms.IntegerField(label="需救助户数", min_value=0, max_value=100000)
    persons = forms.IntegerField(label="需救助人数", min_value=0, max_value=100000)
    surveyed_on = forms.DateField(label="摸底日期", widget=DateInput())
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in Need.choices:
            self.fields[f"{code}_households"] = forms.IntegerField(label=f"{label}困难户数", min_value=0,
                                                                   max_value=100000, initial=0)
            self.fields[f"{code}_persons"] = forms.IntegerField(label=f"{label}困难人数", min_value=0,
                                                                max_value=100000, initial=0)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class MinutesForm(_InRound):
    held_on = forms.DateField(label="评议日期", widget=DateInput())
    attendees = forms.IntegerField(label="参会人数", min_value=3, max_value=500)
    text = forms.CharField(label="评议记录", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="参会人员、评议过程、表决结果")
    sheet = forms.FileField(label="评议记录签字页（照片或扫描件）")


class NoticeForm(Styled, forms.Form):
    round = forms.ModelChoiceField(label="冬春救助", queryset=Round.objects.none())
    town = forms.ModelChoiceField(label="镇街", queryset=Region.objects.none())
    contact = forms.CharField(label="监督电话", max_length=40, required=False, help_text="镇街办公电话，公开")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["round"].queryset = Round.objects.visible_to(user).filter(status=Round.Status.OPEN)
            self.fields["town"].queryset = _regions(user, Region.Level.TOWN)
            for name in ("round", "town"):  # a town office posts its own list in the one open round
                if self.fields[name].queryset.count() == 1:
                    self.fields[name].initial = self.fields[name].queryset.first()


class ObjectionForm(Styled, forms.Form):
    content = forms.CharField(label="异议内容", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="请写明事实和理由")
    objector = forms.CharField(label="异议人", max_length=40, required=False, help_text="可匿名")
    contact = forms.CharField(label="联系电话", max_length=40, required=False, help_text="仅用于答复，不公开")


class AnswerForm(Styled, forms.Form):
    upheld = forms.TypedChoiceField(label="核实结论", choices=[("0", "异议不成立"), ("1", "异议成立")],
                                    coerce=lambda v: v == "1", widget=forms.RadioSelect)
    answer = forms.CharField(label="核实情况和答复", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class StepForm(Styled, forms.Form):
    comment = forms.CharField(label="说明", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    approved = forms.DecimalField(label="核定金额（元）", max_digits=10, decimal_places=2, min_value=1, required=False)


class PayForm(Styled, forms.Form):
    account = forms.CharField(label="一卡通账号", max_length=30, widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                                                           "autocomplete": "off"}))
    amount = forms.DecimalField(label="发放金额（元）", max_digits=10, decimal_places=2, min_value=1)
    paid_on = forms.DateField(label="发放日期", widget=DateInput())


class DonationForm(Styled, forms.Form):
    donor = forms.CharField(label="捐赠人", max_length=100, help_text="单位或个人名称")
    donor_kind = forms.ChoiceField(label="捐赠人类型", choices=Donation.DonorKind.choices)
    anonymous = forms.BooleanField(label="匿名（公开页面不显示捐赠人）", required=False)
    received_on = forms.DateField(label="接收日期", widget=DateInput())
    form = forms.ChoiceField(label="捐赠形式", choices=Donation.Form.choices, widget=forms.RadioSelect)
    amount = forms.DecimalField(label="金额（元）", max_digits=14, decimal_places=2, min_value=0, required=False)
    warehouse = forms.ModelChoiceField(label="入库仓库", queryset=Warehouse.objects.none(), required=False)
    item = forms.ModelChoiceField(label="物资", queryset=Item.objects.filter(is_active=True), required=False)
    quantity = forms.DecimalField(label="数量", max_digits=14, decimal_places=3, min_value=0, required=False)
    item2 = forms.ModelChoiceField(label="物资（二）", queryset=Item.objects.filter(is_active=True), required=False)
    quantity2 = forms.DecimalField(label="数量（二）", max_digits=14, decimal_places=3, min_value=0, required=False)
    goods_value = forms.DecimalField(label="物资折价（元）", max_digits=14, decimal_places=2, min_value=0,
                                     required=False)
    intent = forms.ChoiceField(label="意向", choices=Donation.Intent.choices)
    directed_town = forms.ModelChoiceField(label="定向镇街", queryset=Region.objects.none(), required=False)
    directed_note = forms.CharField(label="定向说明", max_length=200, required=False)
    note = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["warehouse"].queryset = Warehouse.objects.visible_to(user).filter(is_active=True)
            self.fields["directed_town"].queryset = _regions(user, Region.Level.TOWN)


class AllocationForm(Styled, forms.Form):
    town = forms.ModelChoiceField(label="镇街", queryset=Region.objects.none())
    household = forms.CharField(label="受助户（户主）", max_length=40, required=False, help_text="公开时部分隐去")
    amount = forms.DecimalField(label="金额（元）", max_digits=14, decimal_places=2, min_value=0, required=False)
    item = forms.ModelChoiceField(label="物资", queryset=Item.objects.none(), required=False)
    quantity = forms.DecimalField(label="数量", max_digits=14, decimal_places=3, min_value=0, required=False)
    purpose = forms.CharField(label="用途", max_length=200)
    allocated_on = forms.DateField(label="分配日期", widget=DateInput())

    def __init__(self, *args, user=None, donation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["town"].queryset = Region.objects.filter(level=Region.Level.TOWN).filter(
                path__startswith=donation.region.path) if donation else Region.objects.none()
        if donation is not None:
            self.fields["item"].queryset = Item.objects.filter(pk__in=donation.lines.values("item_id"))


class FundForm(Styled, forms.Form):
    region = forms.ModelChoiceField(label="镇街", queryset=Region.objects.none())
    source = forms.ChoiceField(label="资金来源", choices=Source.choices)
    amount = forms.DecimalField(label="下拨金额（元）", max_digits=14, decimal_places=2, min_value=0)
    allocated_on = forms.DateField(label="下拨日期", widget=DateInput())
    reference = forms.CharField(label="文号", max_length=60, required=False)
    purpose = forms.CharField(label="用途", max_length=200)
    round = forms.ModelChoiceField(label="冬春救助", queryset=Round.objects.none(), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["region"].queryset = _regions(user, Region.Level.TOWN)
            self.fields["round"].queryset = Round.objects.visible_to(user)


class FundUseForm(Styled, forms.Form):
    region = forms.ModelChoiceField(label="镇街", queryset=Region.objects.none())
    source = forms.ChoiceField(label="资金来源", choices=Source.choices)
    kind = forms.ChoiceField(label="使用方式", choices=FundUse.Kind.choices)
    amount = forms.DecimalField(label="金额（元）", max_digits=14, decimal_places=2, min_value=0)
    used_on = forms.DateField(label="支出日期", widget=DateInput())
    description = forms.CharField(label="说明", max_length=200)
    households = forms.IntegerField(label="受益户数", min_value=0, max_value=1000000, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["region"].queryset = _regions(user, Region.Level.TOWN)


class FindingForm(Styled, forms.Form):
    region = forms.ModelChoiceField(label="镇街", queryset=Region.objects.none())
    kind = forms.ChoiceField(label="问题类型", choices=Finding.Kind.choices)
    unit_name = forms.CharField(label="涉及单位", max_length=100)
    amount = forms.DecimalField(label="涉及金额（元）", max_digits=14, decimal_places=2, min_value=0, required=False)
    found_on = forms.DateField(label="发现日期", widget=DateInput())
    description = forms.CharField(label="问题描述", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    handling = forms.CharField(label="处理情况", max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    follow_up = forms.CharField(label="整改跟踪", max_length=2000, required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))
    recovered = forms.DecimalField(label="已追回金额（元）", max_digits=14, decimal_places=2, min_value=0,
                                   required=False)
    status = forms.ChoiceField(label="状态", choices=Finding.Status.choices)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["region"].queryset = _regions(user, Region.Level.TOWN)
