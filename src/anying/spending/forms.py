"""Forms of the safety-spending ledger; the services validate again."""

from django import forms

from anying.core.forms import Styled
from anying.hazards.forms import MultipleFileField
from anying.registry.forms import DateInput

from . import reference
from .models import Entry


class LedgerForm(Styled, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    class_key = forms.ChoiceField(label="行业类别（办法）", choices=(), help_text="《企业安全生产费用提取和使用管理办法》的行业类别，决定提取标准")
    base = forms.DecimalField(label="计提依据", min_value=0, max_digits=16, decimal_places=2,
                              help_text="上一年度营业收入或工程造价（元）；非煤矿山填本年原矿产量（吨）")
    carried = forms.DecimalField(label="上年结余（元）", min_value=0, max_digits=14, decimal_places=2, initial=0,
                                 required=False)
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_key"].choices = [("", "请选择"), *reference.class_choices()]


class EntryForm(Styled, forms.Form):
    kind = forms.ChoiceField(label="类型", choices=Entry.Kind.choices)
    on = forms.DateField(label="日期", widget=DateInput())
    amount = forms.DecimalField(label="金额（元）", min_value=0.01, max_digits=14, decimal_places=2)
    category = forms.ChoiceField(label="使用类别", choices=(), required=False, help_text="使用时必选")
    description = forms.CharField(label="摘要", max_length=200)
    voucher = forms.CharField(label="凭证号", max_length=40, required=False, help_text="使用须填凭证号或上传凭证")
    files = MultipleFileField(label="凭证（扫描件）", required=False)

    def __init__(self, *args, class_key: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—"), *((c.code, c.label) for c in reference.categories_for(class_key))]
