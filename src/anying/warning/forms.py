"""Forms of the warning pages (services.py holds the rules)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from anying.core.forms import Styled
from anying.core.models import Region
from anying.core.scope import region_subtree_q

from . import cap
from .models import Contact, Warning
from .reference import kind_choices

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _territory(user, levels=(Region.Level.TOWN, Region.Level.VILLAGE)):
    qs = Region.objects.filter(level__in=levels)
    return qs.filter(region_subtree_q(user, "")) if user is not None else qs.none()


class WarningForm(Styled, forms.ModelForm):
    kind = forms.ChoiceField(label="预警类型", choices=())
    regions = forms.ModelMultipleChoiceField(Region.objects.none(), label="预警区域（镇街、村社区）", required=False,
                                             help_text="选择镇街即包括其下全部村社区；也可只填多边形范围")
    polygon_text = forms.CharField(label="预警范围（多边形，可选）", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                   help_text="CAP 格式：“纬度,经度 纬度,经度 …”，至少 3 个顶点，最多 100 个")

    class Meta:
        model = Warning
        fields = ["kind", "level", "agency", "headline", "description", "instruction", "regions", "area_desc",
                  "onset", "expires"]
        widgets = {"onset": WHEN, "expires": WHEN, "description": forms.Textarea(attrs={"rows": 4}),
                   "instruction": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "请选择")] + kind_choices()
        self.fields["regions"].queryset = _territory(user).order_by("path")
        for name in ("onset", "expires"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        if self.instance.pk:
            if self.instance.polygon:
                self.initial["polygon_text"] = cap.polygon_text(self.instance.polygon)
        else:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial.setdefault("onset", now)
            self.initial.setdefault("expires", now + dt.timedelta(hours=24))
            if user is not None and user.unit_id:
                self.initial.setdefault("agency", user.unit.name)

    def clean_polygon_text(self):
        text = self.cleaned_data.get("polygon_text", "").strip()
        if not text:
            return None
        try:
            return cap.parse_polygon(text)
        except (ValueError, IndexError, cap.CapError):
            raise ValidationError("多边形格式错误：应为“纬度,经度 纬度,经度 …”，至少 3 个顶点") from None

    def save(self, commit=True):
        self.instance.polygon = self.cleaned_data.get("polygon_text")
        return super().save(commit=commit)


class StepForm(Styled, forms.Form):
    comment = forms.CharField(label="意见", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(Styled, forms.Form):
    file = forms.FileField(label="CAP 文件（.xml）", required=False)
    url = forms.URLField(label="或：预警订阅地址", required=False, max_length=500, assume_scheme="https",
                         help_text="气象台等发布方的 CAP 消息或 Atom/RSS 订阅地址（须在允许的来源中）")

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("url"):
            raise ValidationError("请选择 CAP 文件或填写订阅地址")
        if data.get("file") and data["file"].size > cap.MAX_BYTES:
            raise ValidationError("文件过大，不是一条 CAP 预警消息")
        return data


class CallForm(Styled, forms.Form):
    note = forms.CharField(label="情况说明", required=False, max_length=300)


class MeasureForm(Styled, forms.Form):
    report = forms.CharField(label="落实情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ContactForm(Styled, forms.ModelForm):
    families = forms.MultipleChoiceField(label="负责的灾种", choices=(
        ("flood", "防汛"), ("geological", "地质灾害"), ("forest", "森林防火"), ("general", "综合（收到全部预警）")),
        widget=forms.CheckboxSelectMultiple, initial=["general"])

    class Meta:
        model = Contact
        fields = ["name", "phone", "region", "role", "title", "families", "superior", "is_active", "note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        levels = (Region.Level.DISTRICT, Region.Level.TOWN, Region.Level.VILLAGE)
        self.fields["region"].queryset = _territory(user, levels).order_by("path")
        self.fields["superior"].queryset = (Contact.objects.visible_to(user).exclude(pk=self.instance.pk)
                                            .select_related("region") if user is not None else Contact.objects.none())
        if self.instance.pk:
            self.initial["families"] = sorted(self.instance.family_set)

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip().replace(" ", "").replace("-", "")
        if not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
            raise ValidationError("请填写 11 位手机号（叫应短信发往此号码）")
        return phone

    def clean_families(self):
        return ",".join(self.cleaned_data["families"])
