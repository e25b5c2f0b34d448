"""The forms of rescue teams and experts. Choices of units and parents are limited to what the
user keeps; the services check again."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from anying.core.forms import Styled
from anying.core.models import Organisation, Region
from anying.core.scope import region_subtree_q
from anying.registry.forms import DateInput

from .models import (
    Certificate,
    Expert,
    GrassrootsPerson,
    GuidanceVisit,
    Member,
    SocialGuidance,
    Team,
    TrainingPlan,
    TrainingRecord,
    expert_fields,
    specialities,
    unpack,
)


def _units(user):
    """The units the user may name as owner: their own, or for the district's keeper any unit of
    their territory (services.owner_allowed)."""
    qs = Organisation.objects.filter(is_active=True).exclude(kind=Organisation.Kind.ENTERPRISE).select_related("region")
    if user is None:
        return qs
    if not user.has_perm_code("rescue.assess"):
        return qs.filter(pk=user.unit_id)
    return qs.filter(region_subtree_q(user, "region")).select_related("region").order_by("region__path", "name")


def _regions(user):
    qs = Region.objects.exclude(level__in=[Region.Level.PROVINCE, Region.Level.CITY])
    return qs.filter(region_subtree_q(user, "")).order_by("path") if user else qs


class TeamForm(Styled, forms.ModelForm):
    speciality_codes = forms.MultipleChoiceField(label="专业方向", required=False, widget=forms.CheckboxSelectMultiple)
    address = forms.CharField(label="驻地地址", max_length=300, required=False)
    latitude = forms.DecimalField(label="驻地纬度", required=False, max_digits=9, decimal_places=6,
                                  help_text="如 29.84；在一张图和就近资源中显示")
    longitude = forms.DecimalField(label="驻地经度", required=False, max_digits=9, decimal_places=6, help_text="如 106.05")

    class Meta:
        model = Team
        fields = ["name", "category", "parent", "owner", "region", "leader", "leader_phone", "duty_phone",
                  "authorised_strength", "vehicles", "annual_funding", "registered", "dispatchable", "note", "is_active"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import editable_teams

        self.fields["speciality_codes"].choices = list(specialities())
        self.fields["owner"].queryset = _units(user)
        self.fields["region"].queryset = _regions(user)
        if not self.instance.pk and user is not None and user.unit_id:
            self.initial["owner"] = self.initial.get("owner") or user.unit_id
            self.initial["region"] = self.initial.get("region") or user.unit.region_id
        parents = editable_teams(user).filter(parent__isnull=True, is_active=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
            self.initial["speciality_codes"] = unpack(self.instance.specialities)
            if self.instance.base_id:
                base = self.instance.base
                self.initial.update(address=base.address, latitude=base.latitude, longitude=base.longitude)
        self.fields["parent"].queryset = parents
        self.fields["owner"].label_from_instance = lambda o: f"{o.name}（{o.region.name}）"
        from anying.core.amounts import yuan

        from .rules import _district, targets

        tg = targets(_district(user, None))  # the standard in force (the district's own where set)
        self.fields["annual_funding"].help_text = (
            f"镇街队伍经费标准：中心镇（街）专职队 {yuan(tg['funding_central_town'].value)}，"
            f"镇（街）兼职队 {yuan(tg['funding_town'].value)}（依据见“目标设置”）")

    def base_data(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in ("address", "latitude", "longitude")}


class MemberForm(Styled, forms.ModelForm):
    """A member's particulars; 离队 and back are their own actions (LeaveForm)."""
    class Meta:
        model = Member
        fields = ["name", "role", "phone", "skills", "joined_on"]
        widgets = {"joined_on": DateInput()}


class LeaveForm(Styled, forms.Form):
    left_on = forms.DateField(label="离队日期", widget=DateInput())
    left_reason = forms.CharField(label="离队原因", max_length=200, help_text="如 工作调动、退休、身体原因、辞退")


class RemoveForm(Styled, forms.Form):
    reason = forms.CharField(label="删除原因", max_length=100, help_text="如 录入错误、证书已注销")


class CertificateForm(Styled, forms.ModelForm):
    member = forms.ModelChoiceField(label="队员", queryset=Member.objects.none())

    class Meta:
        model = Certificate
        fields = ["member", "name", "number", "issuer", "expires_on"]
        widgets = {"expires_on": DateInput()}

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        if team is not None:
            self.fields["member"].queryset = team.members.filter(is_active=True)
        self.fields["member"].label_from_instance = lambda m: f"{m.name}（{m.get_role_display()}）"


class CertificateEditForm(Styled, forms.ModelForm):
    """A certificate corrected on its member's page (the member does not change)."""
    class Meta:
        model = Certificate
        fields = ["name", "number", "issuer", "expires_on"]
        widgets = {"expires_on": DateInput()}


class GuidanceForm(Styled, forms.ModelForm):
    class Meta:
        model = SocialGuidance
        fields = ["day", "given_by", "content"]
        widgets = {"day": DateInput(), "content": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"given_by": "指导人员姓名、职务", "content": "如 队伍登记注册、训练指导、参与抢险救援的协调调度"}


class GrassrootsForm(Styled, forms.ModelForm):
    class Meta:
        model = GrassrootsPerson
        fields = ["role", "name", "owner", "region", "phone", "since", "duties", "is_active", "left_on", "note"]
        widgets = {"since": DateInput(), "left_on": DateInput()}
        help_texts = {"left_on": "不在岗时填写；不填则记为今天"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _units(user)
        regions = Region.objects.filter(level__in=[Region.Level.TOWN, Region.Level.VILLAGE]).order_by("path")
        self.fields["region"].queryset = regions.filter(region_subtree_q(user, "")) if user else regions
        self.fields["region"].label_from_instance = lambda r: f"{r.name}（{r.parent.name}）" \
            if r.level == Region.Level.VILLAGE and r.parent_id else r.name
        self.fields["region"].queryset = self.fields["region"].queryset.select_related("parent")
        self.fields["owner"].label_from_instance = lambda o: f"{o.name}（{o.region.name}）"
        if not self.instance.pk and user is not None and user.unit_id:
            self.initial["owner"] = self.initial.get("owner") or user.unit_id


class TargetForm(Styled, forms.Form):
    code = forms.ChoiceField(label="指标")
    from_year = forms.IntegerField(label="起始年度", min_value=2000, max_value=2100)
    value = forms.DecimalField(label="目标值", min_value=0, max_digits=12, decimal_places=2,
                               help_text="比率填百分数（如 95），经费填元（如 800000），队伍数填支数")
    source = forms.CharField(label="依据", max_length=300, help_text="本区文件名称、文号和原文")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .rules import target_codes

        self.fields["code"].choices = [("", "请选择")] + list(target_codes().items())


class MeetingForm(Styled, forms.Form):
    held_on = forms.DateField(label="召开日期", widget=DateInput())
    place = forms.CharField(label="会议地点", max_length=200, required=False)
    chaired_by = forms.CharField(label="主持人", max_length=100, required=False)
    participants = forms.CharField(label="参会单位和人员", widget=forms.Textarea(attrs={"rows": 3}),
                                   help_text="如 区消防救援支队、区应急救援中队、各镇街、区级有关部门")
    decisions = forms.CharField(label="议定事项", widget=forms.Textarea(attrs={"rows": 4}))
    minutes = forms.FileField(label="会议纪要", required=False, help_text="PDF、Word 或图片；可在登记后补充")


class StandbyForm(Styled, forms.Form):
    team = forms.ModelChoiceField(label="队伍", queryset=Team.objects.none())
    day = forms.DateField(label="日期", widget=DateInput())
    people = forms.IntegerField(label="备勤人数", min_value=0, max_value=10000)
    vehicles = forms.IntegerField(label="备勤车辆", min_value=0, max_value=1000, initial=0)
    equipment = forms.CharField(label="备勤装备", max_length=300, required=False,
                                help_text="如 冲锋舟2艘、破拆工具组1套、风力灭火机6台")
    on_duty = forms.CharField(label="带班人员", max_length=50, required=False)
    note = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams if teams is not None else Team.objects.none()
        for name in ("people", "vehicles"):
            self.fields[name].widget.attrs.update(inputmode="numeric")


class PlanForm(Styled, forms.ModelForm):
    class Meta:
        model = TrainingPlan
        fields = ["period", "team", "starts_on", "title", "hours", "content"]
        widgets = {"starts_on": DateInput(), "content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams if teams is not None else Team.objects.none()


class TrainingForm(Styled, forms.ModelForm):
    class Meta:
        model = TrainingRecord
        fields = ["team", "day", "subject", "hours", "participants", "joint_with", "plan", "note"]
        widgets = {"day": DateInput()}

    def __init__(self, *args, teams=None, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams if teams is not None else Team.objects.none()
        self.fields["plan"].queryset = plans if plans is not None else TrainingPlan.objects.none()


class AssessmentForm(Styled, forms.Form):
    team = forms.ModelChoiceField(label="队伍", queryset=Team.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    score = forms.DecimalField(label="考核得分", min_value=0, max_value=100, max_digits=5, decimal_places=1)
    remarks = forms.CharField(label="考核评语", max_length=300, required=False)

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams if teams is not None else Team.objects.none()


class ExpertForm(Styled, forms.ModelForm):
    field_codes = forms.MultipleChoiceField(label="专业领域", widget=forms.CheckboxSelectMultiple)
    address = forms.CharField(label="办公地址", max_length=300, required=False)
    latitude = forms.DecimalField(label="办公地点纬度", required=False, max_digits=9, decimal_places=6,
                                  help_text="填写后可在一张图和就近资源中找到该专家")
    longitude = forms.DecimalField(label="办公地点经度", required=False, max_digits=9, decimal_places=6)

    class Meta:
        model = Expert
        fields = ["name", "owner", "title", "employer", "certificates", "phone", "availability", "dispatchable",
                  "note", "is_active"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field_codes"].choices = list(expert_fields())
        self.fields["owner"].queryset = _units(user)
        if not self.instance.pk and user is not None and user.unit_id:
            self.initial["owner"] = self.initial.get("owner") or user.unit_id
        if self.instance.pk:
            self.initial["field_codes"] = unpack(self.instance.fields)
            if self.instance.office_id:
                o = self.instance.office
                self.initial.update(address=o.address, latitude=o.latitude, longitude=o.longitude)

    def office_data(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in ("address", "latitude", "longitude")}


class AvoidanceForm(Styled, forms.Form):
    enterprise = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label="回避原因", max_length=200, help_text="如 曾在该企业任职、近亲属在该企业、曾为其提供咨询服务")


class VisitForm(Styled, forms.ModelForm):
    expert_ids = forms.ModelMultipleChoiceField(label="专家", queryset=Expert.objects.none(),
                                                widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = GuidanceVisit
        fields = ["visited_on", "topic", "contract", "findings"]
        widgets = {"visited_on": DateInput(), "findings": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, experts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert_ids"].queryset = experts if experts is not None else Expert.objects.none()
        self.fields["expert_ids"].label_from_instance = lambda e: f"{e.name}（{e.field_labels}）"


class InspectionExpertForm(Styled, forms.Form):
    expert = forms.ModelChoiceField(label="专家", queryset=Expert.objects.none())
    findings = forms.CharField(label="专家意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, experts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts if experts is not None else Expert.objects.none()
        self.fields["expert"].label_from_instance = lambda e: f"{e.name}（{e.field_labels}）"


def available_experts(user):
    return Expert.objects.visible_to(user).filter(is_active=True).exclude(
        availability=Expert.Availability.AWAY).filter(~Q(fields=""))
