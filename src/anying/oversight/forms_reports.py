from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from anying.core.forms import Styled

from .indicators import INDICATORS
from .models import RankingScheme, Report
from .rankings import FIRST_DAY, LAST_DAY

DAY_RANGE = [MinValueValidator(FIRST_DAY, "日期不能早于 2000 年"), MaxValueValidator(LAST_DAY, "日期不能晚于 2100 年")]


class ComputeForm(Styled, forms.Form):
    scheme = forms.ModelChoiceField(RankingScheme.objects.filter(is_active=True), label="排名方案",
                                    empty_label=None)
    day = forms.DateField(label="期间内任一日", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          validators=DAY_RANGE,
                          help_text="如选 2026-10-15：月度方案算 2026年10月，季度方案算第四季度")


class GenerateForm(Styled, forms.Form):
    kind = forms.ChoiceField(choices=Report.Kind.choices, label="报告类型")
    day = forms.DateField(label="期间内任一日", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          validators=DAY_RANGE)


class SchemeForm(Styled, forms.Form):
    """A weight per indicator (0 = not used), plus whether the scheme is in use."""

    is_active = forms.BooleanField(label="启用", required=False)

    def __init__(self, *args, scheme: RankingScheme, **kwargs):
        super().__init__(*args, **kwargs)
        current = {i["code"]: i["weight"] for i in scheme.indicators}
        self.fields["is_active"].initial = scheme.is_active
        for code, indicator in INDICATORS.items():
            self.fields[f"w_{code}"] = forms.DecimalField(
                label=indicator.label, min_value=0, max_value=100, decimal_places=1, required=False,
                initial=current.get(code, 0), help_text=indicator.definition,
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.1"}))

    def weights(self) -> dict[str, str]:
        return {code: str(self.cleaned_data.get(f"w_{code}") or 0) for code in INDICATORS}
