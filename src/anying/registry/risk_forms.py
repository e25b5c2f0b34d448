"""Forms of risk grading and standardization. The service checks everything again; these only
give the clerk the right choices (the factor tables as configured) and Chinese labels."""

from django import forms
from django.core.exceptions import ValidationError

from anying.core.forms import Styled
from anying.standards.models import RiskFactor, RiskLevel, RiskMethod

from .models import CONTROL_FIELDS, RiskArea, RiskPoint
from .risks import LS_VALUES, accident_types, num

STAGES = (("inherent", "固有风险（未采取管控措施）"), ("residual", "剩余风险（现有管控措施下）"))


class RiskAreaForm(Styled, forms.Form):
    name = forms.CharField(label="区域名称", max_length=100, help_text="如：机加工车间、危化品库房")
    x = forms.IntegerField(label="左", required=False, min_value=0, max_value=95)
    y = forms.IntegerField(label="上", required=False, min_value=0, max_value=995)
    w = forms.IntegerField(label="宽", required=False, min_value=5, max_value=100)
    h = forms.IntegerField(label="高", required=False, min_value=5, max_value=1000)


def _factor_choices(factor: str) -> list[tuple[str, str]]:
    return [("", "请选择")] + [(num(f.value), f"{num(f.value)}　{f.description}")
                              for f in RiskFactor.objects.filter(factor=factor)]


LS_CHOICES = [("", "请选择")] + [(num(v), num(v)) for v in LS_VALUES]


class RetireForm(Styled, forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=200, help_text="如：设备已拆除、工艺已停用")


class RiskPointForm(Styled, forms.Form):
    """One risk point. The factors of both methods are on the form (the page shows those of the
    chosen method); `service_data` hands the service only the chosen method's."""

    area = forms.ModelChoiceField(label="所在区域", queryset=RiskArea.objects.none())
    activity = forms.CharField(label="作业活动/设备设施", max_length=100)
    hazard = forms.CharField(label="危险源及风险描述", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    accident_type = forms.ModelChoiceField(label="可能导致的事故类型（GB 6441-2025）", queryset=accident_types())
    control_engineering = forms.CharField(label="工程技术措施", required=False, max_length=1000,
                                          widget=forms.Textarea(attrs={"rows": 2}))
    control_management = forms.CharField(label="管理措施", required=False, max_length=1000,
                                         widget=forms.Textarea(attrs={"rows": 2}))
    control_training = forms.CharField(label="培训教育措施", required=False, max_length=1000,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    control_ppe = forms.CharField(label="个体防护措施", required=False, max_length=1000,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    control_emergency = forms.CharField(label="应急处置措施", required=False, max_length=1000,
                                        widget=forms.Textarea(attrs={"rows": 2}))
    responsible = forms.CharField(label="管控责任人", max_length=50)
    method = forms.ChoiceField(label="评价方法", choices=RiskMethod.choices, widget=forms.RadioSelect,
                               initial=RiskMethod.LEC)

    def __init__(self, *args, enterprise=None, point: RiskPoint | None = None, **kwargs):
        if point is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(point)
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = RiskArea.objects.filter(enterprise=enterprise)
        for stage, _ in STAGES:
            for factor in "LEC":
                self.fields[f"{stage}_lec_{factor.lower()}"] = forms.ChoiceField(
                    label=factor, required=False, choices=_factor_choices(factor))
            self.fields[f"{stage}_ls_l"] = forms.ChoiceField(label="L（可能性）", required=False, choices=LS_CHOICES)
            self.fields[f"{stage}_ls_s"] = forms.ChoiceField(label="S（严重性）", required=False, choices=LS_CHOICES)
        for name, field in self.fields.items():
            if "_lec_" in name or "_ls_" in name:
                field.widget.attrs.setdefault("class", "form-select")

    @staticmethod
    def initial_from(point: RiskPoint) -> dict:
        data = {f: getattr(point, f) for f in ["activity", "hazard", "responsible", "method", *CONTROL_FIELDS]}
        data.update(area=point.area_id, accident_type=point.accident_type_id)
        for stage, _ in STAGES:
            like, exposure, consequence = (getattr(point, f"{stage}_{x}") for x in "lec")
            if point.method == RiskMethod.LEC:
                data.update({f"{stage}_lec_l": num(like), f"{stage}_lec_e": num(exposure),
                             f"{stage}_lec_c": num(consequence)})
            else:
                data.update({f"{stage}_ls_l": num(like), f"{stage}_ls_s": num(consequence)})
        return data

    def field_names(self, stage: str) -> list[str]:
        """The factor fields of a stage for the chosen method, in the service's order (l, e, c)."""
        if self.cleaned_data.get("method") == RiskMethod.LS:
            return [f"{stage}_ls_l", "", f"{stage}_ls_s"]
        return [f"{stage}_lec_l", f"{stage}_lec_e", f"{stage}_lec_c"]

    def service_data(self) -> dict:
        data = {k: self.cleaned_data[k] for k in ["area", "activity", "hazard", "accident_type", "responsible",
                                                   "method", *CONTROL_FIELDS]}
        for stage, _ in STAGES:
            for key, name in zip("lec", self.field_names(stage), strict=True):
                data[f"{stage}_{key}"] = self.cleaned_data.get(name) or None if name else None
        return data

    def add_service_errors(self, exc: ValidationError) -> None:
        """The service names factors inherent_l …; the form has one set per method."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, messages in exc.message_dict.items():
            stage, _, factor = key.rpartition("_")
            if stage in dict(STAGES) and factor in "lec":
                names = self.field_names(stage)
                key = names["lec".index(factor)] or None
            self.add_error(key if key in self.fields else None, messages)

    def stage_fields(self):
        """For the template: (stage label, LEC fields, LS fields) per stage."""
        return [(label, [self[f"{stage}_lec_{x}"] for x in "lec"], [self[f"{stage}_ls_l"], self[f"{stage}_ls_s"]])
                for stage, label in STAGES]


class BandsForm(Styled, forms.Form):
    """The four lower bounds of one method."""

    def __init__(self, *args, method: str, bands=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.method = method
        stored = {b.level: b for b in bands}
        for level, label in RiskLevel.choices:
            band = stored.get(level)
            self.fields[f"{level}_lower"] = forms.DecimalField(
                label=f"{label}下限", min_value=0, max_digits=8, decimal_places=2,
                initial=num(band.lower) if band else None)
            self.fields[f"{level}_inclusive"] = forms.BooleanField(
                label="含下限（≥）", required=False, initial=band.inclusive if band else True)

    def rows(self):
        return [(label, self[f"{level}_lower"], self[f"{level}_inclusive"]) for level, label in RiskLevel.choices]


class FactorForm(Styled, forms.Form):
    value = forms.DecimalField(label="分值", min_value=0, max_digits=6, decimal_places=1)
    description = forms.CharField(label="说明", max_length=100)


class TargetYearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
