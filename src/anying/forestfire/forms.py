from __future__ import annotations

from django import forms

from anying.core.forms import Styled
from anying.core.models import Region
from anying.incidents.forms import DT_FORMATS
from anying.registry.forms import DateInput
from anying.tips.forms import DateTimeInput
from anying.warning.models import Contact

from . import reference
from .models import FireReport, Responsibility


def _dt(label, **kwargs):
    return forms.DateTimeField(label=label, widget=DateTimeInput(), input_formats=DT_FORMATS, **kwargs)


class RegionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def territory(user, levels=(Region.Level.DISTRICT, Region.Level.TOWN, Region.Level.VILLAGE)):
    from anying.core.scope import region_subtree_q

    if user is None:
        return Region.objects.none()
    return Region.objects.filter(level__in=levels).filter(region_subtree_q(user, "")).order_by("path")


class ForestRegionForm(Styled, forms.Form):
    region = RegionChoice(label="区域", queryset=Region.objects.none())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = territory(user)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        region = data.pop("region", None)
        data["region_id"] = region.pk if region else None
        return data


class DangerLevelForm(ForestRegionForm):
    day = forms.DateField(label="日期", widget=DateInput())
    level = forms.TypedChoiceField(label="火险等级", coerce=int,
                                   choices=[(n, lv.label) for n, lv in reference.levels().items()])


class DangerImportForm(Styled, forms.Form):
    file = forms.FileField(label="预报文件（.xlsx 或 .csv）",
                           help_text="第一行列名：日期、区域、火险等级；区域填镇街名称或区划代码（全区填区名）")


class FireSeasonForm(ForestRegionForm):
    name = forms.CharField(label="名称", max_length=60, help_text="如：2026—2027年冬春森林防火期")
    starts_on = forms.DateField(label="开始日期", widget=DateInput())
    ends_on = forms.DateField(label="结束日期", widget=DateInput())


class FireBanForm(ForestRegionForm):
    issuer = forms.CharField(label="发布单位", max_length=100, initial="铜梁区人民政府")
    number = forms.CharField(label="文号", max_length=60, required=False)
    starts_at = _dt("起始时间")
    ends_at = _dt("截止时间")
    text = forms.CharField(label="禁火令内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class ForestAreaForm(ForestRegionForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    area_ha = forms.DecimalField(label="森林面积（公顷）", max_digits=12, decimal_places=2, min_value=0)
    source = forms.CharField(label="数据来源", max_length=200, required=False, help_text="如：森林资源年度监测（林草湿数据）")


class ForestCheckpointForm(ForestRegionForm):
    name = forms.CharField(label="检查站名称", max_length=200)
    forest = forms.CharField(label="通往林区", max_length=100, required=False)
    address = forms.CharField(label="地址", max_length=300, required=False)
    latitude = forms.DecimalField(label="纬度", max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label="经度", max_digits=9, decimal_places=6, required=False)
    contact_name = forms.CharField(label="联系人", max_length=60, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=40, required=False)


class ContactChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.get_role_display()}，{obj.region.name}）"


class CheckpointDutyForm(Styled, forms.Form):
    day = forms.DateField(label="日期", widget=DateInput())
    contacts = ContactChoice(label="值守人员", queryset=Contact.objects.none(), required=False,
                             widget=forms.CheckboxSelectMultiple, help_text="不选任何人即取消当天值守")
    shift = forms.CharField(label="班次", max_length=30, initial="全天")

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = people if people is not None else Contact.objects.none()


class ContactOne(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.get_role_display()}，{obj.region.name}，{obj.phone}）"


class ForestRangerForm(ForestRegionForm):
    contact = ContactOne(label="护林员（责任人名册）", queryset=Contact.objects.none(),
                         help_text="先在预警责任人名册中登记为“护林员”")
    area = forms.CharField(label="管护范围", max_length=200, required=False)
    contract_from = forms.DateField(label="聘用起", widget=DateInput())
    contract_to = forms.DateField(label="聘用止", widget=DateInput())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if user is not None:
            self.fields["contact"].queryset = Contact.objects.visible_to(user).filter(
                role=Contact.Role.RANGER, is_active=True).select_related("region")

    def service_data(self) -> dict:
        data = super().service_data()
        data["contact_id"] = data.pop("contact").pk
        return data


class RangerPatrolForm(Styled, forms.Form):
    started_at = _dt("开始时间")
    ended_at = _dt("结束时间")
    route = forms.CharField(label="巡护路线", max_length=300)
    findings = forms.CharField(label="发现情况", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    fire_use_stopped = forms.IntegerField(label="制止违规用火（次）", min_value=0, max_value=100, initial=0)
    fires_reported = forms.IntegerField(label="报告火情（次）", min_value=0, max_value=100, initial=0)


class FireUseApplicationForm(ForestRegionForm):
    place = forms.CharField(label="具体位置", max_length=200)
    applicant = forms.CharField(label="申请人", max_length=60)
    phone = forms.CharField(label="联系电话", max_length=20)
    kind = forms.ChoiceField(label="用火事由", choices=[(k, k) for k in reference.FIRE_USE_KINDS])
    reason = forms.CharField(label="用火说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    starts_at = _dt("用火开始")
    ends_at = _dt("用火结束")
    precautions = forms.CharField(label="防火措施", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text="隔离带、灭火工具、用火时段、天气条件")
    watcher = forms.CharField(label="看守人", max_length=60)
    watcher_phone = forms.CharField(label="看守人电话", max_length=20)


class FireUseDecisionForm(Styled, forms.Form):
    comment = forms.CharField(label="审批意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class IllegalFireForm(ForestRegionForm):
    place = forms.CharField(label="具体位置", max_length=200)
    occurred_at = _dt("发现时间")
    person = forms.CharField(label="行为人", max_length=60, required=False)
    description = forms.CharField(label="情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    penalty = forms.ChoiceField(label="处理依据", choices=[(p.code, p.label) for p in reference.penalties().values()])
    action = forms.CharField(label="处理结果", max_length=200, required=False)
    fine = forms.DecimalField(label="罚款（元）", max_digits=10, decimal_places=2, min_value=0, required=False)


class FireReportForm(Styled, forms.Form):
    source = forms.ChoiceField(label="来源", choices=FireReport.Source.choices)
    region = RegionChoice(label="地点（镇街或村）", queryset=Region.objects.none(), required=False,
                          help_text="不清楚时留空并填写经纬度，系统交最近的镇街核查")
    latitude = forms.DecimalField(label="纬度", max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label="经度", max_digits=9, decimal_places=6, required=False)
    place = forms.CharField(label="位置描述", max_length=200)
    description = forms.CharField(label="报告内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    reporter = forms.CharField(label="报告人", max_length=60, required=False)
    reporter_phone = forms.CharField(label="报告人电话", max_length=20, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = territory(user, (Region.Level.TOWN, Region.Level.VILLAGE))

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        region = data.pop("region", None)
        data["region_id"] = region.pk if region else None
        return data


class FireCheckForm(Styled, forms.Form):
    outcome = forms.ChoiceField(label="核查结果", widget=forms.RadioSelect,
                                choices=[(FireReport.Status.FALSE_ALARM, "虚警"), (FireReport.Status.FIRE, "火情")])
    comment = forms.CharField(label="核查情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    burnt_ha = forms.DecimalField(label="受害森林面积（公顷）", max_digits=10, decimal_places=4, min_value=0, required=False,
                                  help_text="火情必填；其他林地起火填 0")
    deaths = forms.IntegerField(label="死亡（人）", min_value=0, max_value=10000, initial=0, required=False)
    injuries = forms.IntegerField(label="重伤（人）", min_value=0, max_value=10000, initial=0, required=False)
    extinguished_at = _dt("扑灭时间", required=False)


class ForestResponsibilityForm(ForestRegionForm):
    kind = forms.ChoiceField(label="责任类别", choices=Responsibility.Kind.choices)
    contact = ContactOne(label="责任人（责任人名册）", queryset=Contact.objects.none())
    zone = forms.CharField(label="包保范围", max_length=200, required=False)
    letter_signed_on = forms.DateField(label="责任书签订日期", widget=DateInput(), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if user is not None:
            self.fields["contact"].queryset = Contact.objects.visible_to(user).filter(is_active=True) \
                .select_related("region")

    def service_data(self) -> dict:
        data = super().service_data()
        data["contact_id"] = data.pop("contact").pk
        return data


class MountainEntryForm(Styled, forms.Form):
    """The public 进山登记 (fields checked again in entry.clean)."""
    name = forms.CharField(label="姓名", max_length=40)
    phone = forms.CharField(label="手机号", max_length=13, widget=forms.TextInput(attrs={
        "inputmode": "numeric", "autocomplete": "tel"}))
    id_number = forms.CharField(label="身份证号", max_length=18, help_text="只保存前4位和后4位",
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    people = forms.IntegerField(label="同行人数（含本人）", min_value=1, max_value=50, initial=1,
                                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    purpose = forms.ChoiceField(label="进山事由", choices=reference.PURPOSES, widget=forms.RadioSelect)
    fire_source = forms.ChoiceField(label="火种", choices=reference.FIRE_SOURCES, widget=forms.RadioSelect,
                                    initial="none")
    pledge = forms.BooleanField(label="我承诺：不携带火种进山，不在林区吸烟、烧香烧纸、燃放鞭炮和野外用火；"
                                      "发现火情立即拨打 12119 报告", required=False)
    website = forms.CharField(label="网址", required=False, max_length=100)  # honeypot


class MountainOutForm(Styled, forms.Form):
    phone = forms.CharField(label="手机号", max_length=13, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    last4 = forms.CharField(label="身份证号后四位", max_length=4)
