"""Forms of disaster reporting. The figures are read straight from the POST (the indicator set is
long and uniform) and checked by `services.clean_figures`; these forms carry the rest."""

from django import forms

from anying.core.forms import Styled
from anying.core.models import Region
from anying.core.scope import region_subtree_q
from anying.registry.forms import DateInput

from .models import Casualty, Kind, Stay

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TownsField(forms.ModelMultipleChoiceField):
    """(For towns, warnings, incidents.) Ids that are not small whole numbers are refused before they reach the database (a
    25-digit id overflows SQLite's integer)."""

    def _check_values(self, value):
        if any(not str(v).isascii() or not str(v).isdigit() or len(str(v)) > 10 for v in value):
            raise forms.ValidationError("请选择受灾镇街", code="invalid_pk_value")
        return super()._check_values(value)


def towns_of(user):
    return Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(user, "")).order_by("sort", "path")


class EventForm(Styled, forms.Form):
    name = forms.CharField(label="灾害过程名称", max_length=120, help_text="如：7·12 暴雨洪涝灾害")
    kind = forms.ChoiceField(label="灾种", choices=Kind.choices)
    sub_kind = forms.CharField(label="亚灾种", max_length=40, required=False, help_text="如：山洪、滑坡、城市内涝")
    started_at = forms.DateTimeField(label="灾害发生时间", widget=WHEN, input_formats=["%Y-%m-%dT%H:%M"])
    towns = TownsField(label="受灾镇街", queryset=Region.objects.none(),
                                           widget=forms.CheckboxSelectMultiple)
    response_triggered = forms.BooleanField(label="已启动应急响应（每份报告须附照片不少于3张）", required=False)
    warnings = TownsField(label="关联预警", queryset=Region.objects.none(), required=False,
                          widget=forms.CheckboxSelectMultiple, help_text="近30天本辖区发布的预警")
    incidents = TownsField(label="关联突发事件", queryset=Region.objects.none(), required=False,
                           widget=forms.CheckboxSelectMultiple, help_text="近30天接报的自然灾害类事件")
    description = forms.CharField(label="灾害概况", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  max_length=2000)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            from django.utils import timezone

            from anying.incidents.models import Category, Incident
            from anying.warning.models import Warning
            from anying.warning.scope import PUBLISHED

            since = timezone.now() - timezone.timedelta(days=30)
            self.fields["towns"].queryset = towns_of(user)
            recent = (Warning.objects.visible_to(user).filter(status__in=PUBLISHED, issued_at__gte=since)
                      .order_by("-issued_at").values_list("pk", flat=True)[:50])
            self.fields["warnings"].queryset = Warning.objects.filter(pk__in=list(recent)).order_by("-issued_at")
            self.fields["warnings"].label_from_instance = lambda w: f"{w.headline}（{w.issued_at:%m-%d}）"
            recent = (Incident.objects.visible_to(user).filter(category=Category.NATURAL, occurred_at__gte=since)
                      .order_by("-occurred_at").values_list("pk", flat=True)[:50])
            self.fields["incidents"].queryset = Incident.objects.filter(pk__in=list(recent)).order_by("-occurred_at")
            self.fields["incidents"].label_from_instance = lambda i: f"{i.title}（{i.occurred_at:%m-%d}）"


class ReportTextForm(Styled, forms.Form):
    situation = forms.CharField(label="灾情文字说明", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    relief_work = forms.CharField(label="救灾工作说明", required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    change_explanation = forms.CharField(label="数据变化说明", required=False, max_length=2000,
                                         widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(Styled, forms.Form):
    note = forms.CharField(label="情况说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(Styled, forms.Form):
    comment = forms.CharField(label="意见", required=False, max_length=300)


class ZeroForm(Styled, forms.Form):
    town = forms.ModelChoiceField(label="镇街", queryset=Region.objects.none())
    nothing_happened = forms.TypedChoiceField(label="今日灾情", choices=[("1", "无灾情"), ("0", "有灾情（请说明）")],
                                              coerce=lambda v: v == "1", widget=forms.RadioSelect, initial="1")
    note = forms.CharField(label="说明", required=False, max_length=300)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["town"].queryset = towns_of(user)


class CasualtyForm(Styled, forms.Form):
    town = forms.ModelChoiceField(label="镇街", queryset=Region.objects.none())
    village = forms.ModelChoiceField(label="村（社区）", queryset=Region.objects.none(), required=False)
    name = forms.CharField(label="姓名", max_length=40)
    gender = forms.ChoiceField(label="性别", choices=[("男", "男"), ("女", "女")])
    age = forms.IntegerField(label="年龄", min_value=0, max_value=130, required=False)
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    status = forms.ChoiceField(label="类别", choices=Casualty.Status.choices)
    occurred_on = forms.DateField(label="死亡（失踪）日期", widget=DateInput())
    place = forms.CharField(label="死亡（失踪）地点", max_length=200)
    cause = forms.CharField(label="致灾原因", max_length=200, help_text="如：山洪冲走、房屋倒塌")
    residence = forms.CharField(label="户籍所在地", max_length=200, required=False)
    note = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(self, *args, event=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if event is not None and user is not None:
            towns = event.towns.filter(region_subtree_q(user, ""))
            self.fields["town"].queryset = towns
            self.fields["village"].queryset = Region.objects.filter(parent__in=towns, level=Region.Level.VILLAGE)


class StayForm(Styled, forms.Form):
    town = forms.ModelChoiceField(label="镇街", queryset=Region.objects.none())
    mode = forms.ChoiceField(label="安置方式", choices=Stay.Mode.choices)
    shelter = forms.IntegerField(label="安置点", required=False, widget=forms.Select)
    head = forms.CharField(label="户主", max_length=40)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    persons = forms.IntegerField(label="人数", min_value=1, max_value=100)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, event=None, user=None, shelters=(), **kwargs):
        super().__init__(*args, **kwargs)
        if event is not None and user is not None:
            self.fields["town"].queryset = event.towns.filter(region_subtree_q(user, ""))
        self.fields["shelter"].widget.choices = [("", "请选择")] + [(p.pk, p.name) for p in shelters]


class CheckForm(Styled, forms.Form):
    town = forms.ModelChoiceField(label="镇街", queryset=Region.objects.none())
    shelter = forms.IntegerField(label="安置点", widget=forms.Select)
    food = forms.BooleanField(label="有饭吃", required=False)
    clothing = forms.BooleanField(label="有衣穿", required=False)
    water = forms.BooleanField(label="有干净水喝", required=False)
    lodging = forms.BooleanField(label="有临时安全住处", required=False)
    medical = forms.BooleanField(label="有医疗服务", required=False)
    note = forms.CharField(label="问题和措施", max_length=300, required=False)

    def __init__(self, *args, event=None, user=None, shelters=(), **kwargs):
        super().__init__(*args, **kwargs)
        if event is not None and user is not None:
            self.fields["town"].queryset = event.towns.filter(region_subtree_q(user, ""))
        self.fields["shelter"].widget.choices = [("", "请选择")] + [(p.pk, p.name) for p in shelters]


class AidForm(Styled, forms.Form):
    town = forms.ModelChoiceField(label="镇街", queryset=Region.objects.none())
    shelter = forms.IntegerField(label="安置点", required=False, widget=forms.Select)
    household = forms.CharField(label="或受助户（户主）", max_length=60, required=False)
    persons = forms.IntegerField(label="救助人数", min_value=1, max_value=100000)
    warehouse = forms.IntegerField(label="出库仓库", widget=forms.Select)
    item = forms.IntegerField(label="物资", widget=forms.Select)
    quantity = forms.DecimalField(label="数量", min_value=0, max_digits=12, decimal_places=3)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, event=None, user=None, shelters=(), warehouses=(), items=(), **kwargs):
        super().__init__(*args, **kwargs)
        if event is not None and user is not None:
            self.fields["town"].queryset = event.towns.filter(region_subtree_q(user, ""))
        self.fields["shelter"].widget.choices = [("", "不限（发放到户）")] + [(p.pk, p.name) for p in shelters]
        self.fields["warehouse"].widget.choices = [("", "请选择")] + [(w.pk, w.name) for w in warehouses]
        self.fields["item"].widget.choices = [("", "请选择")] + [(i.pk, f"{i.name}（{i.uom}）") for i in items]
