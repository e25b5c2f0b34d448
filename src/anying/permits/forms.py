"""Forms of the permits. They hand plain values to the services, which validate again; the
kind's own fields, the measure checklist and the gas readings come from the data (rules.py)."""

from django import forms

from anying.core.forms import Styled
from anying.incidents.forms import DT_FORMATS
from anying.tips.forms import DateTimeInput

from . import rules
from .services import DETAIL_LABELS

WORKER_ROWS = 6


def _when(label: str, **kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, widget=DateTimeInput(), input_formats=DT_FORMATS, **kwargs)


class PermitForm(Styled, forms.Form):
    """A permit of one kind (chosen first, ?kind=): only that kind's levels, fields and measures."""
    level = forms.ChoiceField(label="作业级别", required=False, help_text="级别决定有效期上限和审批人")
    place = forms.CharField(label="作业地点", max_length=120, help_text="如：罐区T-102储罐东侧管廊")
    content = forms.CharField(label="作业内容", max_length=300, help_text="如：更换DN100进料管线法兰，电焊")
    hazards = forms.CharField(label="危害辨识", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="作业中可能存在的危险有害因素，如：可燃气体泄漏、火花飞溅、高处坠落")
    valid_from = _when("计划开始")
    valid_until = _when("计划结束", help_text="超过本级别有效期上限时按上限截止")
    applicant_name = forms.CharField(label="作业申请人", max_length=40)
    leader_name = forms.CharField(label="作业负责人", max_length=40)
    guardian_name = forms.CharField(label="监护人", max_length=40, required=False, help_text="审批前须指定监护人")
    guardian_cert = forms.CharField(label="监护人证书/培训编号", max_length=40, required=False)
    measures = forms.MultipleChoiceField(label="安全措施（逐项落实后勾选）", required=False,
                                         widget=forms.CheckboxSelectMultiple)
    measures_other = forms.CharField(label="其他安全措施", max_length=300, required=False)
    measures_confirmed = forms.BooleanField(label="以上安全措施已全部落实，确认", required=False,
                                            help_text="全部勾选后方可确认；审批前须确认")

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = rules.kinds()[kind]
        choices = [(lv.code, lv.name) for lv in rules.levels_of(kind) if lv.code]
        if choices:
            self.fields["level"].choices = [("", "请选择"), *choices]
            self.fields["level"].required = True
        else:
            del self.fields["level"]
        self.fields["measures"].choices = [(m.code, m.text) for m in rules.measures_of(kind)]
        # the kind's own fields, after the content
        for key in self.kind.required_fields:
            self.fields[key] = forms.CharField(label=DETAIL_LABELS[key], max_length=60,
                                               widget=forms.TextInput(attrs={"class": "form-control"}))
        order = ["level", "place", "content", *self.kind.required_fields]
        self.order_fields(order)
        for i in range(WORKER_ROWS):
            self.fields[f"w{i}_name"] = forms.CharField(label="姓名", max_length=40, required=False)
            self.fields[f"w{i}_company"] = forms.CharField(label="所属单位", max_length=100, required=False)
            self.fields[f"w{i}_certificate"] = forms.CharField(label="证书编号", max_length=40, required=False)
            self.fields[f"w{i}_contractor"] = forms.BooleanField(label="承包商", required=False)

    def main_fields(self):
        return [f for f in self if not (f.name[0] == "w" and f.name[1:2].isdigit())]

    def worker_rows(self):
        return [[self[f"w{i}_{f}"] for f in ("name", "company", "certificate", "contractor")]
                for i in range(WORKER_ROWS)]

    def to_data(self, cleaned: dict) -> dict:
        data = {k: cleaned.get(k) for k in ("level", "place", "content", "hazards", "valid_from", "valid_until",
                                             "applicant_name", "leader_name", "guardian_name", "guardian_cert",
                                             "measures_other", "measures_confirmed", "measures")}
        data["kind"], data["level"] = self.kind.code, data["level"] or ""
        data["details"] = {k: cleaned.get(k) for k in self.kind.required_fields}
        data["workers"] = [{f: cleaned.get(f"w{i}_{f}") for f in ("name", "company", "certificate", "contractor")}
                           for i in range(WORKER_ROWS)]
        return data

    @staticmethod
    def initial_of(permit) -> dict:
        initial = {f: getattr(permit, f) for f in ("level", "place", "content", "hazards", "valid_from",
                                                   "valid_until", "applicant_name", "leader_name", "guardian_name",
                                                   "guardian_cert", "measures_other", "measures_confirmed",
                                                   "measures")}
        initial.update(permit.details)
        for i, w in enumerate(permit.workers.all()[:WORKER_ROWS]):
            initial.update({f"w{i}_name": w.name, f"w{i}_company": w.company, f"w{i}_certificate": w.certificate,
                            f"w{i}_contractor": w.contractor})
        return initial


class AnalysisForm(Styled, forms.Form):
    taken_at = _when("取样时间")
    point = forms.CharField(label="分析部位", max_length=100, help_text="如：动火点下风向1m、储罐人孔内中部")
    analyst = forms.CharField(label="分析人", max_length=40)
    enriched = forms.BooleanField(label="富氧环境", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for s in rules.substances().values():
            self.fields[f"reading_{s.code}"] = forms.CharField(
                label=f"{s.name}（{s.unit}）", max_length=12, required=False,
                help_text=f"限值 {s.limit_text()}", widget=forms.TextInput(attrs={"inputmode": "decimal"}))
            self.fields[f"reading_{s.code}"].widget.attrs["class"] = "form-control"

    def reading_fields(self):
        return [self[f"reading_{c}"] for c in rules.substances()]

    @staticmethod
    def to_data(cleaned: dict) -> dict:
        return {"taken_at": cleaned["taken_at"], "point": cleaned["point"], "analyst": cleaned["analyst"],
                "enriched": cleaned.get("enriched"),
                "readings": {c: cleaned.get(f"reading_{c}") for c in rules.substances()}}


class StepForm(Styled, forms.Form):
    comment = forms.CharField(label="意见/说明", max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    title = forms.CharField(label="审批人职务", max_length=40, required=False,
                            help_text="审批时填写，如：安全管理部门负责人、主要负责人")
