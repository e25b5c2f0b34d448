"""Forms of the house ledger. Each takes the user (for the choices it offers) and hands plain
values to the services, which validate again."""

from django import forms

from anying.core.forms import Styled
from anying.core.models import Region
from anying.core.scope import region_subtree_q
from anying.disasters.models import Event
from anying.hazards.forms import MultipleFileField
from anying.registry.forms import DateInput

from .models import Mode, Situation, Structure

PHOTO_WIDGET_ATTRS = {"accept": "image/*", "capture": "environment"}


def _photos(label: str, required: bool) -> MultipleFileField:
    field = MultipleFileField(label=label, required=required, help_text="可多选；手机可直接拍照")
    field.widget.attrs.update(PHOTO_WIDGET_ATTRS)
    return field


class HouseholdForm(Styled, forms.Form):
    event = forms.ModelChoiceField(label="灾害过程", queryset=Event.objects.none())
    village = forms.ModelChoiceField(label="村（社区）", queryset=Region.objects.none())
    group = forms.CharField(label="组（门牌）", max_length=100, required=False, help_text="如：3组12号")
    head = forms.CharField(label="户主", max_length=40)
    id_number = forms.CharField(label="户主身份证号", max_length=18, min_length=18, help_text="仅本辖区工作人员可见，列表中部分隐藏")
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    members = forms.IntegerField(label="家庭人口", min_value=1, max_value=30)
    situation = forms.ChoiceField(label="家庭类别", choices=Situation.choices, initial=Situation.GENERAL)
    only_home = forms.BooleanField(label="是唯一住房（以居住为目的）", required=False, initial=True)
    structure = forms.ChoiceField(label="房屋结构", choices=Structure.choices)
    rooms = forms.IntegerField(label="房屋总间数", min_value=1, max_value=50)
    rooms_collapsed = forms.IntegerField(label="倒塌（间）", min_value=0, max_value=50, initial=0)
    rooms_severe = forms.IntegerField(label="严重损坏（间）", min_value=0, max_value=50, initial=0)
    rooms_general = forms.IntegerField(label="一般损坏（间）", min_value=0, max_value=50, initial=0)
    cause = forms.CharField(label="致灾原因", max_length=100, help_text="如：山洪冲毁、滑坡推挤、暴雨浸泡")
    assessed_on = forms.DateField(label="评估日期", widget=DateInput())
    assessors = forms.CharField(label="评估人员", max_length=100, help_text="如：镇规划建设办 王某，村委会 李某")
    photos = _photos("评估照片", required=False)

    def __init__(self, *args, user=None, new=True, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["event"].queryset = Event.objects.visible_to(user).order_by("-started_at")
            self.fields["village"].queryset = Region.objects.filter(level=Region.Level.VILLAGE).filter(
                region_subtree_q(user, "")).order_by("path")
        # a new household needs the assessment photos; a correction may add more
        self.fields["photos"].required = new


class PlanForm(Styled, forms.Form):
    mode = forms.ChoiceField(label="重建方式", choices=Mode.choices, widget=forms.RadioSelect)
    site_address = forms.CharField(label="建房地点", max_length=200, required=False,
                                   help_text="原址重建、异地新建必填，如：玉泉村2组集中安置点3号地块")
    latitude = forms.DecimalField(label="纬度", max_digits=9, decimal_places=6, min_value=-90, max_value=90,
                                  required=False)
    longitude = forms.DecimalField(label="经度", max_digits=9, decimal_places=6, min_value=-180, max_value=180,
                                   required=False)
    plan_note = forms.CharField(label="方案说明", max_length=500, required=False,
                                widget=forms.Textarea(attrs={"rows": 2}), help_text="如：自建两层砖混，约120平方米")
    site_override = forms.CharField(label="选址例外理由（镇街审批人员填写）", max_length=500, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text="新址附近有未销号风险点而确需在此建房时填写：已采取的治理措施和专业评估结论")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is None or not user.has_perm_code("houses.approve"):
            del self.fields["site_override"]


class StepForm(Styled, forms.Form):
    """A lifecycle step on the detail page: a comment, the day, photos; payment details."""
    comment = forms.CharField(label="说明", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    day = forms.DateField(label="日期", required=False, widget=DateInput(), help_text="不填为今天")
    photos = _photos("照片", required=False)
    account = forms.CharField(label="一卡通账号", max_length=30, required=False)
    bank = forms.CharField(label="开户银行", max_length=60, required=False)


class StandardForm(Styled, forms.Form):
    effective_from = forms.DateField(label="施行日期", widget=DateInput())
    rebuild_per_room = forms.DecimalField(label="倒塌、严重损坏：每间补助（元）", max_digits=10, decimal_places=2, min_value=0)
    rebuild_flat_from = forms.IntegerField(label="达到多少间按户定额", min_value=1, max_value=50, required=False,
                                           help_text="如“4间及以上每户20000元”填4；不按户定额则留空")
    rebuild_flat_amount = forms.DecimalField(label="按户定额（元）", max_digits=10, decimal_places=2, min_value=0,
                                             required=False)
    repair_per_room = forms.DecimalField(label="一般损坏：每间维修补助（元）", max_digits=10, decimal_places=2, min_value=0)
    repair_max = forms.DecimalField(label="一般损坏：每户最高（元）", max_digits=10, decimal_places=2, min_value=0,
                                    required=False)
    hardship_extra = forms.DecimalField(label="困难家庭每户增加（元）", max_digits=10, decimal_places=2, min_value=0,
                                        required=False, initial=0)
    site_distance_m = forms.IntegerField(label="新址距风险点最小距离（米）", min_value=10, max_value=5000, initial=100)
    source = forms.CharField(label="依据（文件名称和文号）", max_length=300)
    note = forms.CharField(label="说明", max_length=500, required=False)
