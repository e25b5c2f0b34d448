from django import forms
from django.utils import timezone

from anying.core.forms import Styled
from anying.core.models import Organisation
from anying.core.scope import region_subtree_q
from anying.registry.forms import DateInput

from .models import KeyTask, KeyTaskTable

GOVERNMENT_KINDS = [Organisation.Kind.COMMITTEE_OFFICE, Organisation.Kind.DEPARTMENT, Organisation.Kind.TOWN_OFFICE]


def _units(user):
    return Organisation.objects.filter(kind__in=GOVERNMENT_KINDS, is_active=True) \
        .filter(region_subtree_q(user, "region")).select_related("region")


class TableForm(Styled, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="标题", max_length=200, help_text="如：2026年工贸行业重点任务“挂图作战”责任表")
    unit = forms.ModelChoiceField(label="印发单位", queryset=Organisation.objects.none())
    source = forms.CharField(label="来源", max_length=300, required=False, help_text="如：区应急局2026年工作要点 附件1")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user)


class TaskForm(Styled, forms.Form):
    table = forms.ModelChoiceField(label="责任表", queryset=KeyTaskTable.objects.none())
    number = forms.IntegerField(label="序号", min_value=1, max_value=999)
    task = forms.CharField(label="重点任务", max_length=200)
    requirements = forms.CharField(label="工作要求", widget=forms.Textarea(attrs={"rows": 4}))
    unit = forms.ModelChoiceField(label="责任单位", queryset=Organisation.objects.none())
    person = forms.CharField(label="责任人（职务）", max_length=100, help_text="填写职务而不是姓名，如：区应急局工贸科科长")
    leader = forms.CharField(label="责任领导（职务）", max_length=100, help_text="如：区应急局分管副局长")
    due = forms.DateField(label="完成时限", widget=DateInput())
    milestones = forms.CharField(label="时间节点", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text="每行一个：日期 空格 节点内容，如“03-30 召开现场会”；按季度的可写四行（03-31、06-30、09-30、12-31）")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .keytasks import visible_tables

        self.fields["table"].queryset = visible_tables(user)
        self.fields["unit"].queryset = _units(user)

    @staticmethod
    def initial_of(task: KeyTask) -> dict:
        from .keytasks import milestones_text

        return {"table": task.table_id, "number": task.number, "task": task.task, "requirements": task.requirements,
                "unit": task.unit_id, "person": task.person, "leader": task.leader, "due": task.due,
                "milestones": milestones_text(task)}


class ReportForm(Styled, forms.Form):
    date = forms.DateField(label="日期", widget=DateInput())
    text = forms.CharField(label="进展情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    percent = forms.IntegerField(label="完成进度（%）", min_value=0, max_value=100)
    milestone = forms.ModelChoiceField(label="完成节点", required=False, queryset=None,
                                       help_text="本次报送完成的时间节点（如有）")
    final = forms.BooleanField(label="任务已全部完成（最终报告）", required=False)
    attachment = forms.FileField(label="附件", required=False, help_text="会议纪要、照片、文件等（PDF、Word、Excel、图片）")

    def __init__(self, *args, task: KeyTask, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate(), "percent": task.percent})
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = task.milestones.filter(done_on__isnull=True)

    def clean(self):
        data = super().clean()
        if data.get("final"):
            data["percent"] = 100
        return data
