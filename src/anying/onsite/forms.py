"""Forms of the on-site register; the services validate again."""

from django import forms

from anying.core.forms import Styled
from anying.hazards.forms import MultipleFileField
from anying.registry.forms import DateInput
from anying.registry.models import KeyPerson

from .models import ONSITE_KINDS


class DayForm(Styled, forms.Form):
    person = forms.ModelChoiceField(label="人员", queryset=KeyPerson.objects.none())
    day = forms.DateField(label="日期", widget=DateInput())
    work = forms.CharField(label="履职内容", max_length=300, help_text="如：带班下井检查采场顶板、组织爆破作业安全确认")

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        if enterprise is not None:
            self.fields["person"].queryset = KeyPerson.objects.filter(enterprise=enterprise, kind__in=ONSITE_KINDS,
                                                                      is_active=True).order_by("kind", "name")
        self.fields["person"].label_from_instance = lambda p: f"{p.get_kind_display()} {p.name}"


class MeetingForm(Styled, forms.Form):
    held_on = forms.DateField(label="会议日期", widget=DateInput())
    topics = forms.CharField(label="研究的安全生产重大问题", max_length=500)
    attendees = forms.CharField(label="参会人员", max_length=300, help_text="如：实际控制人 王某，总工程师 李某，矿长 张某")
    minutes = forms.CharField(label="会议纪要", max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
                              help_text="议定事项、责任人和完成时限")
    files = MultipleFileField(label="纪要扫描件", required=False, help_text="签字后的会议纪要，可多选")
