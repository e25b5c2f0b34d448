"""Forms of the alarm pages, the sensors and the devices."""

from django import forms

from anying.core.forms import Styled
from anying.hazards.forms import MultipleFileField

from .models_sensors import BOUND_LABELS, Alarm, AlarmRule, Sensor


class AlarmStepForm(Styled, forms.Form):
    cause = forms.ChoiceField(label="报警性质", choices=[("", "请选择"), *Alarm.Cause.choices], required=False)
    false_kind = forms.ChoiceField(label="误报类型", choices=[("", "—"), *Alarm.FalseKind.choices], required=False)
    reason = forms.CharField(label="报警原因", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(label="处置措施", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    comment = forms.CharField(label="说明", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photos = MultipleFileField(label="现场照片", required=False)


class SensorForm(Styled, forms.ModelForm):
    class Meta:
        model = Sensor
        fields = ["code", "name", "kind", "unit", "range_low", "range_high", "low_low", "low", "high", "high_high",
                  "interval_seconds", "offline_after", "is_active"]


class AlarmRuleForm(Styled, forms.Form):
    kind = forms.ChoiceField(label="规则类型", choices=[(AlarmRule.Kind.SUSTAINED, "持续超限（超过阈值持续N秒）"),
                                                    (AlarmRule.Kind.REPEAT, "连续超限（连续N次超过阈值）"),
                                                    (AlarmRule.Kind.RATE, "变化速率（每分钟变化量）")])
    bound = forms.ChoiceField(label="阈值", choices=[("", "—"), *BOUND_LABELS.items()], required=False)
    seconds = forms.IntegerField(label="持续秒数", required=False, min_value=1, max_value=86_400)
    count = forms.IntegerField(label="连续次数", required=False, min_value=2, max_value=1000)
    rate_per_minute = forms.FloatField(label="每分钟变化量", required=False)
    level = forms.ChoiceField(label="报警级别", choices=[("1", "一级"), ("2", "二级"), ("3", "三级")], initial="2")


class DeviceForm(Styled, forms.Form):
    name = forms.CharField(label="设备名称", max_length=100, help_text="如：罐区数据采集网关")
