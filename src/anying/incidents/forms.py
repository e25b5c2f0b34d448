from django import forms
from django.utils import timezone

from anying.core.forms import Styled
from anying.core.listing import MAX_ID
from anying.core.models import Industry, Organisation, Region
from anying.core.scope import region_subtree_q
from anying.oversight.models import Grade
from anying.registry.forms import DateInput
from anying.standards.models import AccidentType
from anying.tips.forms import DateTimeInput

from .models import Flag, Incident, Kind, Medium, Report, ReportRule, Source
from .models_response import ResponseLevel
from .services import STEP_KINDS

DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _dt(label, **kwargs):
    return forms.DateTimeField(label=label, widget=DateTimeInput(), input_formats=DT_FORMATS, **kwargs)


class IncidentForm(Styled, forms.Form):
    """接报: the facts of 条例第十二条 (what happened where and when, casualties including the missing,
    losses, measures taken) and where the information came from."""
    title = forms.CharField(label="事件名称", max_length=200, help_text="如：某某公司粉尘爆炸事故")
    kind = forms.ChoiceField(label="事件类型", choices=[("", "请选择")] + Kind.choices)
    accident_type = forms.ModelChoiceField(label="事故类型（GB 6441-2025）", required=False,
                                           queryset=AccidentType.objects.filter(group="基本事故类型"),
                                           help_text="生产安全事故填写")
    grade = forms.ChoiceField(label="事件等级（研判）", required=False, choices=[("", "按伤亡和损失自动判定")] + Grade.choices,
                              help_text="事故灾难按《生产安全事故报告和调查处理条例》第三条自动判定；自然灾害和其他事件由值班人员研判")
    occurred_at = _dt("发生时间", help_text="报送时限从事件发生时起算")
    received_at = _dt("接报时间")
    source = forms.ChoiceField(label="信息来源", choices=[("", "请选择")] + Source.choices)
    source_detail = forms.CharField(label="来源说明", max_length=200, required=False,
                                    help_text="如：119转警，接警员王某；避免二手信息，写明一手来源")
    reporter = forms.CharField(label="报告人", max_length=60, required=False)
    reporter_phone = forms.CharField(label="报告人电话", max_length=40, required=False)
    region = forms.ModelChoiceField(label="发生地（镇街或村社区）", queryset=Region.objects.none())
    place = forms.CharField(label="详细地点", max_length=200)
    latitude = forms.DecimalField(label="纬度", required=False, min_value=-90, max_value=90, decimal_places=6)
    longitude = forms.DecimalField(label="经度", required=False, min_value=-180, max_value=180, decimal_places=6)
    party = forms.CharField(label="事发单位", max_length=200, required=False,
                            help_text="输入名称从登记的企业中选择；未登记的单位或个人直接填写")
    enterprise = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    industry = forms.ModelChoiceField(label="行业", required=False, queryset=Industry.objects.all())
    deaths = forms.IntegerField(label="死亡", min_value=0, max_value=100000, initial=0)
    missing = forms.IntegerField(label="失踪", min_value=0, max_value=100000, initial=0)
    trapped = forms.IntegerField(label="被困", min_value=0, max_value=100000, initial=0)
    injured = forms.IntegerField(label="受伤", min_value=0, max_value=100000, initial=0)
    serious_injuries = forms.IntegerField(label="其中重伤", min_value=0, max_value=100000, initial=0,
                                          help_text="含急性工业中毒")
    direct_loss = forms.DecimalField(label="初步估计直接经济损失（元）", min_value=0, max_digits=16, decimal_places=2,
                                     initial=0)
    description = forms.CharField(label="事件经过和现场情况", widget=forms.Textarea(attrs={"rows": 4}))
    measures = forms.CharField(label="已采取的措施", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_exercise = forms.BooleanField(label="演练（按真实流程进行，不计入统计）", required=False)
    drill = forms.ModelChoiceField(label="所属演练", required=False, queryset=None,
                                   help_text="演练计划中的一次演练按真实接报流程进行时选择")

    def __init__(self, *args, user=None, **kwargs):
        from anying.plans.models import Drill

        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = (Region.objects.filter(level__in=[Region.Level.TOWN, Region.Level.VILLAGE])
                                          .filter(region_subtree_q(user, "")).order_by("path"))
        self.fields["drill"].queryset = Drill.objects.visible_to(user).filter(
            year__gte=timezone.localdate().year - 1).order_by("-year", "month", "name") if user else Drill.objects.none()

    @staticmethod
    def initial_of(incident: Incident) -> dict:
        from django.utils import timezone

        data = {f: getattr(incident, f) for f in ("title", "kind", "source", "source_detail", "reporter",
                                                  "reporter_phone", "place", "latitude", "longitude", "deaths",
                                                  "missing", "trapped", "injured", "serious_injuries", "direct_loss",
                                                  "description", "measures", "is_exercise")}
        return {**data, "occurred_at": timezone.localtime(incident.occurred_at).strftime("%Y-%m-%dT%H:%M"),
                "received_at": timezone.localtime(incident.received_at).strftime("%Y-%m-%dT%H:%M"),
                "region": incident.region_id, "accident_type": incident.accident_type_id,
                "industry": incident.industry_id, "party": incident.party_name, "enterprise": incident.enterprise_id,
                "grade": incident.grade if incident.grade_set_by_hand else ""}

    def service_data(self, user, incident: Incident | None = None) -> dict:
        from anying.registry.models import Enterprise

        data = dict(self.cleaned_data)
        ent = data.pop("enterprise", None)
        if incident is not None and ent and ent == incident.enterprise_id:
            data["enterprise"] = incident.enterprise  # kept, even by a desk outside the enterprise's industry
        else:
            data["enterprise"] = Enterprise.objects.visible_to(user).filter(pk=ent).select_related(
                "region", "industry").first() if ent else None
        if incident is not None:  # the 演练 flag and its drill are set at intake only
            data.pop("is_exercise", None)
            data.pop("drill", None)
        elif data.get("drill"):
            data["is_exercise"] = True
        return data


class IncidentReportForm(Styled, forms.Form):
    stage = forms.ChoiceField(label="报告类别", choices=Report.Stage.choices)
    medium = forms.ChoiceField(label="方式", choices=Medium.choices, initial=Medium.WRITTEN)
    at = _dt("报送时间", required=False, help_text="书面报告以提交时间为准；电话报告可在24小时内补录实际通话时间")
    signed_by = forms.CharField(label="签发领导", max_length=60, required=False)
    content = forms.CharField(label="报告正文", widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)


class StepForm(Styled, forms.Form):
    kind = forms.ChoiceField(label="环节", choices=list(STEP_KINDS.items()))
    at = _dt("时间", required=False, help_text="留空为现在")
    text = forms.CharField(label="内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class VerifyForm(Styled, forms.Form):
    verification = forms.CharField(label="核实情况", max_length=300)


class FlagForm(Styled, forms.Form):
    kind = forms.ChoiceField(label="认定类别", choices=Flag.Kind.choices)
    unit = forms.ModelChoiceField(label="被认定单位", required=False, queryset=Organisation.objects.none())
    enterprise = forms.BooleanField(label="认定事发企业", required=False)
    reason = forms.CharField(label="认定理由和依据", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Organisation.objects.none()


class ReasonForm(Styled, forms.Form):
    reason = forms.CharField(label="理由", max_length=300)


class MergeForm(Styled, forms.Form):
    other = forms.ChoiceField(label="与哪条接报是同一事件", choices=())
    reason = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].choices = [(str(i.pk), f"{i.number} {i.title}（{i.get_source_display()}）") for i in candidates]


class QualityForm(Styled, forms.Form):
    start = forms.DateField(label="起始日期", widget=DateInput())
    end = forms.DateField(label="截止日期", widget=DateInput())


class RuleForm(Styled, forms.ModelForm):
    """A region's own deadline (a province's 电话/书面 limits) or its replacement of a default."""

    class Meta:
        model = ReportRule
        fields = ["code", "label", "stage", "medium", "grades", "kinds", "minutes", "counts_from", "window_days",
                  "effective_from", "source", "article", "quote"]
        widgets = {"effective_from": DateInput(), "quote": forms.Textarea(attrs={"rows": 2})}

    def clean_code(self):
        import re

        code = self.cleaned_data["code"].strip().upper()
        if not re.fullmatch(r"[A-Z0-9_]{2,40}", code):
            raise forms.ValidationError("代码只能用大写字母、数字和下划线")
        return code

    def clean(self):
        data = super().clean()
        for key, valid in (("grades", Grade.values), ("kinds", Kind.values)):
            items = [v.strip() for v in (data.get(key) or "").split(",") if v.strip()]
            bad = [v for v in items if v not in valid]
            if bad:
                self.add_error(key, f"无效的值：{'、'.join(bad)}；可用：{'、'.join(valid)}")
            data[key] = ",".join(items)
        return data


# --- the response -----------------------------------------------------------------------------------

class ActivateForm(Styled, forms.Form):
    plan = forms.ModelChoiceField(label="启动的预案", required=False, queryset=None, empty_label="（系统外的预案，填写名称）",
                                  help_text="选择已印发或已备案的预案：该级别的任务清单按工作组下达")
    plan_name = forms.CharField(label="系统外预案名称", max_length=200, required=False)
    level = forms.TypedChoiceField(label="响应级别", coerce=int, choices=ResponseLevel.choices)
    commander = forms.CharField(label="指挥长", max_length=60)
    at = _dt("启动时间", required=False, help_text="留空为现在")

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["plan"].label_from_instance = lambda p: f"{p.name}（{p.owner.name}）"

    def clean(self):
        data = super().clean()
        if not data.get("plan") and not (data.get("plan_name") or "").strip():
            self.add_error("plan", "请选择预案，或填写系统外预案的名称")
        return data


class LevelForm(Styled, forms.Form):
    level = forms.TypedChoiceField(label="调整为", coerce=int, choices=ResponseLevel.choices)
    reason = forms.CharField(label="理由", max_length=300)


class EndForm(Styled, forms.Form):
    reason = forms.CharField(label="终止理由", max_length=300)
    at = _dt("终止时间", required=False)


class OrderForm(Styled, forms.Form):
    unit = forms.ModelChoiceField(label="承办单位", queryset=Organisation.objects.none())
    role = forms.CharField(label="岗位/工作组", max_length=60, required=False)
    text = forms.CharField(label="指令内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    due_at = _dt("完成时限", required=False)
    for_post = forms.BooleanField(label="列入现场指挥部任务清单", required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class FeedbackForm(Styled, forms.Form):
    feedback = forms.CharField(label="落实情况", max_length=2000)
    done = forms.BooleanField(label="已完成", required=False)


class DispatchTeamForm(Styled, forms.Form):
    team = forms.IntegerField(min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    people = forms.IntegerField(label="人数", min_value=0, max_value=10000, initial=0, required=False)
    vehicles = forms.IntegerField(label="车辆", min_value=0, max_value=1000, initial=0, required=False)
    note = forms.CharField(label="说明", max_length=300, required=False)


class DispatchSuppliesForm(Styled, forms.Form):
    warehouse = forms.IntegerField(min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    item = forms.ModelChoiceField(label="物资", queryset=None)
    quantity = forms.DecimalField(label="数量", min_value=0, max_digits=14, decimal_places=3)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        from anying.supplies.models import Item

        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = Item.objects.filter(is_active=True).order_by("category", "name")


class MoveForm(Styled, forms.Form):
    move = forms.ChoiceField(choices=[("departed", "出发"), ("arrived", "到达"), ("returned", "返回")])
    at = _dt("时间", required=False)


class PostForm(Styled, forms.Form):
    place = forms.CharField(label="开设地点", max_length=200)
    commander = forms.CharField(label="现场指挥长", max_length=60)
    groups = forms.CharField(label="工作组（每行一个）", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             initial="综合协调组\n抢险救援组\n医疗救治组\n治安警戒组\n后勤保障组\n新闻宣传组")
    at = _dt("开设时间", required=False)


class ReviewForm(Styled, forms.Form):
    held_on = forms.DateField(label="评估日期", widget=DateInput())
    participants = forms.CharField(label="参加单位和人员", max_length=300)
    summary = forms.CharField(label="处置经过评估", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    lessons = forms.CharField(label="经验做法", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    problems = forms.CharField(label="存在问题", max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
