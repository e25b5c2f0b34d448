"""风险点与转移避险 (issue #17 points 3 and 4; SEED B4.1, B4.2, B4.5, B4.6, B5.1; docs/riskpoints.md).

A `DisasterRiskPoint` is one flood risk point, urban waterlogging point, geological hazard point,
flash-flood area or key place, at a `places.Place` of kind 风险点; what it threatens sets its
threat level (险情 size, data/threat_levels.csv). Its three responsible persons and monitors are
rows of the warning app's 责任人名册 (`warning.Contact`), so the same people receive its warnings.
It lives from 在册 through 整治中 and 申请销号 to 已销号 (lifecycle in services.py).

Its `EvacuationPlan` holds the five elements (转移谁: the `Household` rows; 谁组织; 何时转: the
trigger; 转到哪: a shelter; 如何管). An `Evacuation` is one time the plan was carried out — opened
by a warning that meets the trigger or by hand — with one `EvacuationMove` per household
confirmed 转移到位. Patrols (日周月, 雨前/雨中/雨后) and their findings are in models_patrols.py.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from anying.core.models import Region
from anying.core.scope import ScopedQuerySet
from anying.places.models import Place
from anying.warning.models import Contact, Level


class ByRegion(ScopedQuerySet):
    """Records of a place in the territory (area rule): the town and the district above it."""
    scope_rule = "area"
    scope_fields = {"region": "region"}


class ByPointRegion(ScopedQuerySet):
    scope_rule = "area"
    scope_fields = {"region": "point__region"}


class Kind(models.TextChoices):
    FLOOD = "flood", "防洪风险点"
    WATERLOGGING = "waterlogging", "城镇易涝点"
    GEOLOGICAL = "geological", "地质灾害隐患点"
    FLASH_FLOOD = "flash_flood", "山洪危险区"
    KEY_PLACE = "key_place", "防灾重点场所"


class Threat(models.TextChoices):
    SMALL = "small", "小型"
    MEDIUM = "medium", "中型"
    LARGE = "large", "大型"
    HUGE = "huge", "特大型"


THREAT_RANK = {Threat.SMALL: 1, Threat.MEDIUM: 2, Threat.LARGE: 3, Threat.HUGE: 4}


def new_token() -> str:
    return secrets.token_urlsafe(12)


class DisasterRiskPoint(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", "在册"
        RECTIFYING = "rectifying", "整治中"
        CLOSING = "closing", "申请销号"
        CLOSED = "closed", "已销号"

    code = models.CharField("编号", max_length=40, blank=True)
    name = models.CharField("名称", max_length=120)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    place = models.OneToOneField(Place, verbose_name="位置", on_delete=models.PROTECT, related_name="risk_point")
    region = models.ForeignKey(Region, verbose_name="所在村（社区）或镇街", on_delete=models.PROTECT,
                               related_name="disaster_risk_points")
    location = models.CharField("具体位置", max_length=200, blank=True, help_text="如：安溪村3组后山")
    households = models.PositiveIntegerField("受威胁户数", default=0)
    people = models.PositiveIntegerField("受威胁人数", default=0)
    facilities = models.CharField("受威胁设施", max_length=300, blank=True, help_text="如：村道200米、小学1所")
    potential_loss = models.DecimalField("潜在经济损失（万元）", max_digits=12, decimal_places=2, default=0)
    threat = models.CharField("险情等级", max_length=8, choices=Threat.choices, default=Threat.SMALL, editable=False,
                              db_index=True)
    scale = models.CharField("规模或成因", max_length=200, blank=True, help_text="如：中型土质滑坡，约12万立方米")
    admin_responsible = models.ForeignKey(Contact, verbose_name="行政责任人", on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="+")
    dept_responsible = models.ForeignKey(Contact, verbose_name="主管部门责任人", on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+")
    keeper_responsible = models.ForeignKey(Contact, verbose_name="管护单位责任人", on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="+")
    monitors = models.ManyToManyField(Contact, verbose_name="群测群防员（监测人）", blank=True, related_name="+")
    identified_by = models.TextField("识别标准（如何认定）", blank=True)
    closing_standard = models.TextField("销号标准", blank=True)
    closing_year = models.PositiveSmallIntegerField("计划销号年度", null=True, blank=True)
    measures = models.TextField("整治措施", blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.REGISTERED, db_index=True)
    closing_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请销号人", null=True,
                                             blank=True, on_delete=models.PROTECT, related_name="+")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="销号审核人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closed_on = models.DateField("销号日期", null=True, blank=True)
    public_token = models.CharField(max_length=24, unique=True, default=new_token, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = ByRegion.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "灾害风险点"
        ordering = ["region__path", "kind", "name"]
        indexes = [models.Index(fields=["region", "kind", "status"], name="riskpoint_region_kind")]

    def __str__(self) -> str:
        return self.name

    @property
    def open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def lat(self):
        return self.place.latitude

    @property
    def lon(self):
        return self.place.longitude


class EvacuationPlan(models.Model):
    """转移避险工作清单 of one point: the five elements (001「转移谁、谁组织、何时转、转到哪、如何管」)."""

    point = models.OneToOneField(DisasterRiskPoint, on_delete=models.CASCADE, related_name="plan")
    organiser = models.ForeignKey(Contact, verbose_name="谁组织（转移组织人）", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+")
    trigger_kinds = models.CharField("何时转：预警类型", max_length=200, blank=True,
                                     help_text="逗号分隔的预警类型代码，如 rainstorm,geological；留空则按风险点类型的灾种")
    trigger_level = models.CharField("何时转：预警级别达到", max_length=8, choices=Level.choices, default=Level.ORANGE)
    trigger_rainfall = models.DecimalField("何时转：降雨量达到（毫米）", max_digits=6, decimal_places=1, null=True,
                                           blank=True)
    trigger_rainfall_hours = models.PositiveSmallIntegerField("降雨量统计时长（小时）", null=True, blank=True)
    trigger_observation = models.TextField("何时转：监测或巡查发现的征兆", blank=True,
                                           help_text="如：后缘裂缝加宽、房屋开裂、井水突然浑浊")
    shelter = models.ForeignKey(Place, verbose_name="转到哪（避难场所）", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="evacuation_plans", limit_choices_to={"kind": Place.Kind.SHELTER})
    route = models.CharField("转移路线", max_length=300, blank=True)
    management = models.TextField("如何管（安置管理）", blank=True,
                                  help_text="如：村干部点名登记，安置点24小时值守，险情解除前不得擅自返回")
    signal = models.CharField("预警信号（如何通知群众）", max_length=200, blank=True, help_text="如：铜锣、口哨、广播")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ByPointRegion.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "转移避险清单"

    def __str__(self) -> str:
        return f"{self.point.name} 转移避险清单"

    @property
    def kinds(self) -> set[str]:
        return {k.strip() for k in self.trigger_kinds.split(",") if k.strip()}

    @property
    def kinds_label(self) -> str:
        """暴雨、地质灾害 (the warning types' names), or "" when the plan names none."""
        from anying.warning.reference import kind_label

        return "、".join(kind_label(k) for k in self.trigger_kinds.split(",") if k.strip())


class Household(models.Model):
    """转移谁: one household threatened by a point. No identity numbers are kept; the resident's
    phone never appears on a public page."""

    point = models.ForeignKey(DisasterRiskPoint, on_delete=models.CASCADE, related_name="household_rows")
    head = models.CharField("户主", max_length=60)
    address = models.CharField("住址（组、门牌）", max_length=200, blank=True)
    people = models.PositiveSmallIntegerField("人数", default=1)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    elderly = models.PositiveSmallIntegerField("老年人", default=0)
    disabled = models.PositiveSmallIntegerField("残疾人", default=0)
    children = models.PositiveSmallIntegerField("留守儿童", default=0)
    pregnant = models.PositiveSmallIntegerField("孕产妇", default=0)
    bedridden = models.PositiveSmallIntegerField("卧床或重病", default=0)
    helper = models.CharField("结对帮扶人", max_length=60, blank=True, help_text="负责帮助弱势人员转移的人")
    note = models.CharField("备注", max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    objects = ByPointRegion.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "受威胁住户"
        ordering = ["point", "position", "id"]

    def __str__(self) -> str:
        return f"{self.head}户（{self.people}人）"

    VULNERABLE = (("elderly", "老年人"), ("disabled", "残疾人"), ("children", "留守儿童"), ("pregnant", "孕产妇"),
                  ("bedridden", "卧床或重病"))

    @property
    def vulnerable_count(self) -> int:
        return sum(getattr(self, f) for f, _ in self.VULNERABLE)

    @property
    def vulnerable_text(self) -> str:
        return "、".join(f"{label}{getattr(self, f)}" for f, label in self.VULNERABLE if getattr(self, f))


class Evacuation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待转移"
        MOVING = "moving", "转移中"
        DONE = "done", "已全部转移到位"
        RETURNED = "returned", "已返回"

    class Trigger(models.TextChoices):
        WARNING = "warning", "预警触发"
        OBSERVATION = "observation", "监测巡查发现"
        ORDER = "order", "指挥部指令"

    point = models.ForeignKey(DisasterRiskPoint, verbose_name="风险点", on_delete=models.PROTECT,
                              related_name="evacuations")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    town = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+", editable=False)
    trigger = models.CharField("启动原因", max_length=12, choices=Trigger.choices)
    warning = models.ForeignKey("warning.Warning", verbose_name="触发预警", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="evacuations")
    reason = models.CharField("情况说明", max_length=300, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    households_total = models.PositiveIntegerField("应转移户数", default=0)
    people_total = models.PositiveIntegerField("应转移人数", default=0)
    households_moved = models.PositiveIntegerField("已转移户数", default=0)
    people_moved = models.PositiveIntegerField("已转移人数", default=0)
    started_at = models.DateTimeField("启动时间")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    returned_at = models.DateTimeField("返回时间", null=True, blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    version = models.PositiveIntegerField(default=1)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = ByRegion.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "转移避险记录"
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["point"], condition=~models.Q(status="returned"),
                                               name="one_open_evacuation_per_point")]
        indexes = [models.Index(fields=["town", "status"], name="evacuation_town_status")]

    def __str__(self) -> str:
        return f"{self.point.name} 转移（{self.started_at:%Y-%m-%d %H:%M}）"

    @property
    def open(self) -> bool:
        return self.status != self.Status.RETURNED

    @property
    def rate(self) -> float:
        return self.households_moved / self.households_total if self.households_total else 1.0


class EvacuationMove(models.Model):
    """One household confirmed 转移到位: who confirmed it, when, how many people."""

    evacuation = models.ForeignKey(Evacuation, on_delete=models.CASCADE, related_name="moves")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="moves")
    people = models.PositiveSmallIntegerField("转移人数")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_at = models.DateTimeField("确认时间")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "转移到位确认"
        ordering = ["evacuation", "household__position", "household_id"]
        constraints = [models.UniqueConstraint(fields=["evacuation", "household"], name="one_move_per_household")]

    def __str__(self) -> str:
        return f"{self.household} 转移到位 {self.people} 人"


from .models_patrols import PatrolFinding, PatrolRound, PatrolSchedule, RainCheck  # noqa: E402,F401
