from django import forms

from anying.core.forms import Styled
from anying.core.models import User
from anying.hazards.forms import MultipleFileField
from anying.registry.forms import DateInput

from . import baobao
from .models import Installation
from .models_baobao import DutyRecord, Kind

ROWS = 8


class InstallationForm(Styled, forms.ModelForm):
    class Meta:
        model = Installation
        fields = ["name", "kind", "people_within_500m", "latitude", "longitude", "commissioned_on", "filed_on",
                  "filing_number", "assessed_on", "retired_on", "oil_gas_storage", "has_gas_detection", "has_video",
                  "has_emergency_shutoff", "has_lightning_warning"]
        widgets = {f: DateInput() for f in ("commissioned_on", "filed_on", "assessed_on", "retired_on")}


def chemical_rows(data=None, installation=None) -> list[dict]:
    """The chemical lines of the form: posted, or the installation's, padded to ROWS."""
    if data is not None:
        rows = [{"chemical": (data.get(f"c{n}-chemical") or "").strip()[:120],
                 "quantity": (data.get(f"c{n}-quantity") or "").strip()[:20],
                 "category": (data.get(f"c{n}-category") or "").strip()[:8]} for n in range(ROWS)]
    else:
        rows = [{"chemical": c.chemical, "quantity": f"{c.quantity.normalize():f}",
                 "category": c.category} for c in installation.chemicals.all()] if installation else []
    return (rows + [{"chemical": "", "quantity": "", "category": ""} for _ in range(ROWS)])[:max(ROWS, len(rows))]


# --- 包保责任人 ------------------------------------------------------------------------------------

class GuarantorForm(Styled, forms.Form):
    """Name or replace the person in one kind (the kind comes with the URL's form)."""
    kind = forms.ChoiceField(label="包保职责", choices=Kind.choices, widget=forms.HiddenInput)
    name = forms.CharField(label="姓名", max_length=50)
    position = forms.CharField(label="职务", max_length=60, required=False, help_text="如：总经理、设备副总、罐区主任")
    phone = forms.CharField(label="联系电话", max_length=30, help_text="公示牌上写明")
    user = forms.ModelChoiceField(label="本人账号", queryset=User.objects.none(), required=False,
                                  help_text="可选：绑定本企业账号后，履职记录只能由本人录入")
    since = forms.DateField(label="任职日期", widget=DateInput(), help_text="更换人员时，原责任人在这一天卸任")

    def __init__(self, *args, accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = accounts if accounts is not None else User.objects.none()


class DutyRecordForm(Styled, forms.Form):
    done_on = forms.DateField(label="履职日期", widget=DateInput())
    checked = forms.CharField(label="检查内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="检查了哪些部位、设施、制度和作业")
    items = forms.MultipleChoiceField(label="对照职责", required=False, widget=forms.CheckboxSelectMultiple,
                                      help_text="本次履职覆盖的包保职责条款")
    result = forms.ChoiceField(label="履职结论", choices=DutyRecord.Result.choices, widget=forms.RadioSelect,
                               initial=DutyRecord.Result.NORMAL)
    problems = forms.CharField(label="发现的问题", max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}), help_text="发现问题的，可在保存后登记为隐患")
    photos = MultipleFileField(label="现场照片或记录表", required=False)

    def __init__(self, *args, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(d.clause, f"{d.clause} {d.label}") for d in baobao.duties().get(kind, [])]
        if not self.fields["items"].choices:
            del self.fields["items"]
