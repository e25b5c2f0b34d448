"""Forms of the credit register; the services validate again."""

from django import forms

from anying.core.forms import Styled
from anying.inspections.models import Penalty
from anying.registry.forms import DateInput
from anying.registry.models import Enterprise

from . import reference
from .models import Listing


class ListingForm(Styled, forms.Form):
    enterprise = forms.ModelChoiceField(label="生产经营单位", queryset=Enterprise.objects.none())
    subject = forms.ChoiceField(label="列入对象", choices=Listing.Subject.choices, initial=Listing.Subject.ENTERPRISE)
    person_name = forms.CharField(label="人员姓名", max_length=40, required=False, help_text="列入有关人员时填写")
    person_id_number = forms.CharField(label="人员身份证号", max_length=18, required=False, help_text="仅内部可见，公示时不显示")
    person_role = forms.CharField(label="职务", max_length=40, required=False, help_text="如：主要负责人")
    ground = forms.ChoiceField(label="列入情形", choices=())
    reason = forms.CharField(label="失信事实", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    legal_basis = forms.CharField(label="法律依据", max_length=500,
                                  initial="《安全生产严重失信主体名单管理办法》（应急管理部令第11号）")
    penalty = forms.ModelChoiceField(label="关联行政处罚", queryset=Penalty.objects.none(), required=False)
    decision_number = forms.CharField(label="列入决定书文号", max_length=60, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user).order_by("name")
        self.fields["penalty"].queryset = Penalty.objects.visible_to(user).filter(decided_on__isnull=False) \
            .order_by("-decided_on")
        self.fields["ground"].choices = [("", "请选择"), *((g.key, g.label) for g in reference.grounds().values())]


class StepForm(Styled, forms.Form):
    comment = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000)
    day = forms.DateField(label="列入日期", required=False, widget=DateInput())
    removal = forms.ChoiceField(label="移出方式", choices=[("", "—"), *Listing.Removal.choices], required=False)
    conditions = forms.MultipleChoiceField(label="已满足的提前移出条件", required=False,
                                           widget=forms.CheckboxSelectMultiple, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conditions"].choices = [(k, r["label"]) for k, r in reference.removal_conditions().items()]
