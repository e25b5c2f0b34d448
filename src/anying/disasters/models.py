"""灾情报送 (issue #18 points 1–3): a disaster event, the chain of reports per town — 初报, 续报,
核报 after 《自然灾害情况统计调查制度》 (the township is the statistical unit; villages report
through their 灾害信息员) — the 零报告 of the season, the registers behind the figures (dead and
missing persons, people resettled by shelter) and the relief given during the event (goods out of
the warehouse ledger, the "five haves" of each shelter).

A report is a frozen snapshot: once the town submits it, its figures never change; a correction
is the next 续报 (or the district returns it before accepting). Collapsed and damaged houses per
household live in the `houses` app above this one (it reports its counts through `hooks`)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from anying.core.models import Organisation, Region
from anying.core.scope import ScopedQuerySet


class Kind(models.TextChoices):
    """一级灾种 of the statistics system (统计调查制度 总说明(二)2)."""
    FLOOD = "flood", "洪涝灾害"
    DROUGHT = "drought", "干旱灾害"
    WIND_HAIL = "wind_hail", "风雹灾害"
    TYPHOON = "typhoon", "台风灾害"
    LOW_TEMPERATURE = "low_temperature", "低温冷冻灾害"
    SNOW = "snow", "雪灾"
    SANDSTORM = "sandstorm", "沙尘暴灾害"
    EARTHQUAKE = "earthquake", "地震灾害"
    GEOLOGICAL = "geological", "地质灾害"
    FOREST_FIRE = "forest_fire", "森林草原火灾"
    BIOLOGICAL = "biological", "生物灾害"
    OTHER = "other", "其他"


# The indicator set of the 快报表, in the order the tables print them: (field, label, unit).
# Integers are people or rooms (间); areas are hectares (公顷); money is 万元.
PEOPLE = [
    ("affected", "受灾人口", "人"),
    ("dead", "因灾死亡人口", "人"),
    ("missing", "因灾失踪人口", "人"),
    ("injured", "因灾伤病人口", "人"),
    ("evacuated", "紧急转移安置人口", "人"),
    ("resettled", "其中：集中安置人口", "人"),
    ("needing_help", "需紧急生活救助人口", "人"),
]
HOUSES = [
    ("houses_collapsed", "倒塌房屋", "间"),
    ("houses_severe", "严重损坏房屋", "间"),
    ("houses_general", "一般损坏房屋", "间"),
]
CROPS = [
    ("crops_affected", "农作物受灾面积", "公顷"),
    ("crops_damaged", "其中：成灾面积", "公顷"),
    ("crops_lost", "其中：绝收面积", "公顷"),
]
LOSSES = [
    ("loss_agriculture", "农业损失", "万元"),
    ("loss_industry", "工矿商贸业损失", "万元"),
    ("loss_infrastructure", "基础设施损失", "万元"),
    ("loss_public", "公共服务系统损失", "万元"),
    ("loss_housing", "居民住房损失", "万元"),
    ("loss_household", "家庭财产损失", "万元"),
    ("loss_other", "其他损失", "万元"),
]
INDICATORS = PEOPLE + HOUSES + CROPS + LOSSES  # the direct economic loss is their sum (loss_total)
COUNT_FIELDS = [f for f, _, _ in PEOPLE + HOUSES]
DECIMAL_FIELDS = [f for f, _, _ in CROPS + LOSSES]
FIGURE_FIELDS = COUNT_FIELDS + DECIMAL_FIELDS
LABELS = {f: label for f, label, _ in INDICATORS} | {"loss_total": "直接经济损失"}
UNITS = {f: unit for f, _, unit in INDICATORS} | {"loss_total": "万元"}


class Figures(models.Model):
    """The indicator set, as columns so that towns sum in the database."""
    affected = models.PositiveIntegerField("受灾人口", default=0)
    dead = models.PositiveIntegerField("因灾死亡人口", default=0)
    missing = models.PositiveIntegerField("因灾失踪人口", default=0)
    injured = models.PositiveIntegerField("因灾伤病人口", default=0)
    evacuated = models.PositiveIntegerField("紧急转移安置人口", default=0)
    resettled = models.PositiveIntegerField("集中安置人口", default=0)
    needing_help = models.PositiveIntegerField("需紧急生活救助人口", default=0)
    houses_collapsed = models.PositiveIntegerField("倒塌房屋（间）", default=0)
    houses_severe = models.PositiveIntegerField("严重损坏房屋（间）", default=0)
    houses_general = models.PositiveIntegerField("一般损坏房屋（间）", default=0)
    crops_affected = models.DecimalField("农作物受灾面积（公顷）", max_digits=12, decimal_places=2, default=Decimal(0))
    crops_damaged = models.DecimalField("成灾面积（公顷）", max_digits=12, decimal_places=2, default=Decimal(0))
    crops_lost = models.DecimalField("绝收面积（公顷）", max_digits=12, decimal_places=2, default=Decimal(0))
    loss_agriculture = models.DecimalField("农业损失（万元）", max_digits=14, decimal_places=2, default=Decimal(0))
    loss_industry = models.DecimalField("工矿商贸业损失（万元）", max_digits=14, decimal_places=2, default=Decimal(0))
    loss_infrastructure = models.DecimalField("基础设施损失（万元）", max_digits=14, decimal_places=2,
                                              default=Decimal(0))
    loss_public = models.DecimalField("公共服务系统损失（万元）", max_digits=14, decimal_places=2, default=Decimal(0))
    loss_housing = models.DecimalField("居民住房损失（万元）", max_digits=14, decimal_places=2, default=Decimal(0))
    loss_household = models.DecimalField("家庭财产损失（万元）", max_digits=14, decimal_places=2, default=Decimal(0))
    loss_other = models.DecimalField("其他损失（万元）", max_digits=14, decimal_places=2, default=Decimal(0))

    class Meta:
        abstract = True

    @property
    def loss_total(self) -> Decimal:
        return sum((getattr(self, f) for f, _, _ in LOSSES), Decimal(0))

    def figures(self) -> dict:
        return {f: getattr(self, f) for f in FIGURE_FIELDS}


class EventQuerySet(ScopedQuerySet):
    """An event is seen by everyone whose territory holds one of its towns, or its own region."""

    def visible_to(self, user):
        from .scope import event_q

        return self.filter(event_q(user))


class Event(models.Model):
    """One disaster process: 1 初报 + n 续报 + 1 核报 per affected town."""

    class Status(models.TextChoices):
        ONGOING = "ongoing", "灾情发展中"
        STABLE = "stable", "灾情稳定（核报中）"
        CLOSED = "closed", "已核报结束"

    number = models.CharField("灾情编号", max_length=40, unique=True, editable=False)
    name = models.CharField("灾害过程名称", max_length=120, help_text="如：7·12 暴雨洪涝灾害")
    kind = models.CharField("灾种", max_length=20, choices=Kind.choices)
    sub_kind = models.CharField("亚灾种", max_length=40, blank=True, help_text="如：山洪、滑坡、城市内涝")
    started_at = models.DateTimeField("灾害发生时间")
    region = models.ForeignKey(Region, verbose_name="报送区县", on_delete=models.PROTECT, related_name="+")
    towns = models.ManyToManyField(Region, verbose_name="受灾镇街", related_name="disaster_events")
    unit = models.ForeignKey(Organisation, verbose_name="登记单位", on_delete=models.PROTECT, related_name="+")
    description = models.TextField("灾害概况", blank=True)
    response_triggered = models.BooleanField("已启动应急响应", default=False,
                                             help_text="启动国家或地方应急响应的，每份报告须附照片不少于3张")
    warnings = models.ManyToManyField("warning.Warning", verbose_name="关联预警", blank=True, related_name="+")
    incidents = models.ManyToManyField("incidents.Incident", verbose_name="关联突发事件", blank=True, related_name="+")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.ONGOING)
    stable_at = models.DateTimeField("灾情稳定时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "灾害过程"
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["status", "started_at"], name="disaster_event_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_drought(self) -> bool:
        return self.kind == Kind.DROUGHT


class ByEvent(ScopedQuerySet):
    """Records of a town within an event: seen by the town's territory (the town, its district)
    and by a village officer for their own village's rows."""
    scope_rule = "area"
    scope_fields = {"region": "town"}


class ByVillage(ScopedQuerySet):
    """A village's own filings: its 灾害信息员, its town and the district see them."""
    scope_rule = "area"
    scope_fields = {"region": "village"}


class Report(Figures):
    """A town's 初报 / 续报 / 核报: the figures as they stood at `as_of`, cumulative for the
    event. Drafted by the town (from its villages' returns or by hand), submitted to the district,
    accepted or returned there. Submitted figures are frozen."""

    class Stage(models.TextChoices):
        INITIAL = "initial", "初报"
        UPDATE = "update", "续报"
        FINAL = "final", "核报"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送"
        RETURNED = "returned", "退回修改"
        ACCEPTED = "accepted", "区县已审核"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reports")
    town = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+")
    stage = models.CharField("报告类别", max_length=8, choices=Stage.choices)
    sequence = models.PositiveSmallIntegerField("序号", default=1, help_text="续报一、续报二……")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    as_of = models.DateTimeField("数据截至")
    situation = models.TextField("灾情文字说明", blank=True, help_text="灾害过程、灾情特点、现场情况、趋势")
    relief_work = models.TextField("救灾工作说明", blank=True, help_text="已采取的措施、投入力量和物资、需求和困难")
    change_explanation = models.TextField("数据变化说明", blank=True,
                                         help_text="与上一次报告相比数据大幅变化或减少时必须说明原因")
    due_at = models.DateTimeField("应报时间", null=True, blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    late_minutes = models.PositiveIntegerField("迟报分钟", default=0)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    review_comment = models.CharField("审核意见", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = ByEvent.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "灾情报告"
        ordering = ["event", "town__path", "created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "town", "stage", "sequence"],
                                               name="disaster_report_once")]
        indexes = [models.Index(fields=["event", "town", "status"], name="disaster_report_town")]

    def __str__(self) -> str:
        return f"{self.town.name}{self.label}"

    @property
    def label(self) -> str:
        if self.stage == self.Stage.UPDATE:
            return f"续报{_NUMERALS.get(self.sequence, self.sequence)}"
        return self.get_stage_display()

    @property
    def is_frozen(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.ACCEPTED)


_NUMERALS = dict(enumerate("零一二三四五六七八九十", 0))


class VillageReturn(Figures):
    """A village 灾害信息员's filing from the field (a phone): the village's cumulative figures at
    the time, with photos. The town's report starts from the latest return of each village."""
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="village_returns")
    village = models.ForeignKey(Region, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+")
    note = models.TextField("情况说明", blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    objects = ByVillage.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "村（社区）灾情"
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["event", "village", "submitted_at"], name="village_return_latest")]

    def __str__(self) -> str:
        return f"{self.village.name} {timezone.localtime(self.submitted_at):%m-%d %H:%M}"


class Due(models.Model):
    """A report a town owes, and by when (data/deadlines.csv). Met by the submission of a report of
    its stage; one still open after its time is 迟报 (flagged by the tick, told to the town and
    the district)."""
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="dues")
    town = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+")
    stage = models.CharField("报告", max_length=8, choices=Report.Stage.choices)
    due_at = models.DateTimeField("应报时间")
    rule = models.CharField("时限规则", max_length=40)
    met_by = models.ForeignKey(Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    met_at = models.DateTimeField("报送时间", null=True, blank=True)
    cancelled = models.BooleanField("不再需要", default=False)
    flagged_at = models.DateTimeField("迟报提醒时间", null=True, blank=True)

    objects = ByEvent.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "应报事项"
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["due_at"], condition=models.Q(met_at__isnull=True, cancelled=False,
                                                                       flagged_at__isnull=True),
                                name="disaster_due_pending")]

    def __str__(self) -> str:
        return f"{self.town.name}{self.get_stage_display()} {timezone.localtime(self.due_at):%m-%d %H:%M}"

    @property
    def late_minutes(self) -> int:
        end = self.met_at or timezone.now()
        if end <= self.due_at:
            return 0
        return -(-int((end - self.due_at).total_seconds()) // 60)


class ZeroReport(models.Model):
    """零报告: in the reporting season a town says every day that nothing happened (or that it
    has an event, which its reports then carry). A row the tick writes for a town that did not
    report by the time is `missed`; a late filing keeps the row and records the minutes."""
    town = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+")
    day = models.DateField("日期")
    due_at = models.DateTimeField("应报时间")
    filed_at = models.DateTimeField("报告时间", null=True, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    nothing_happened = models.BooleanField("无灾情", default=True)
    note = models.CharField("说明", max_length=300, blank=True)
    late_minutes = models.PositiveIntegerField("迟报分钟", default=0)
    flagged_at = models.DateTimeField("迟报提醒时间", null=True, blank=True)

    objects = ByEvent.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "零报告"
        ordering = ["-day", "town__path"]
        constraints = [models.UniqueConstraint(fields=["town", "day"], name="zero_report_once")]

    def __str__(self) -> str:
        return f"{self.town.name} {self.day} 零报告"


class Casualty(models.Model):
    """因灾死亡失踪人口台账: one row per person. The ID number never leaves the staff pages."""

    class Status(models.TextChoices):
        DEAD = "dead", "死亡"
        MISSING = "missing", "失踪"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="casualties")
    town = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Region, verbose_name="村（社区）", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    name = models.CharField("姓名", max_length=40)
    gender = models.CharField("性别", max_length=2, choices=[("男", "男"), ("女", "女")])
    age = models.PositiveSmallIntegerField("年龄", null=True, blank=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    status = models.CharField("类别", max_length=8, choices=Status.choices)
    occurred_on = models.DateField("死亡（失踪）日期")
    place = models.CharField("死亡（失踪）地点", max_length=200)
    cause = models.CharField("致灾原因", max_length=200, help_text="如：山洪冲走、房屋倒塌")
    residence = models.CharField("户籍所在地", max_length=200, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = ByEvent.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "因灾死亡失踪人员"
        ordering = ["event", "town__path", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_status_display()}）"


class Stay(models.Model):
    """People resettled in a shelter (集中安置) or with relatives (分散安置), by household."""

    class Mode(models.TextChoices):
        SHELTER = "shelter", "集中安置"
        DISPERSED = "dispersed", "分散安置"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="stays")
    town = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Region, verbose_name="村（社区）", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    mode = models.CharField("安置方式", max_length=12, choices=Mode.choices, default=Mode.SHELTER)
    shelter = models.ForeignKey("places.Place", verbose_name="安置点", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", limit_choices_to={"kind": "shelter"})
    head = models.CharField("户主", max_length=40)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    persons = models.PositiveSmallIntegerField("人数")
    arrived_at = models.DateTimeField("安置时间")
    left_at = models.DateTimeField("返家时间", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    objects = ByEvent.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "转移安置人员"
        ordering = ["event", "shelter", "id"]
        indexes = [models.Index(fields=["event", "shelter"], name="stay_event_shelter")]

    def __str__(self) -> str:
        return f"{self.head}户 {self.persons}人"


class ShelterCheck(models.Model):
    """The "five haves" (seed 001:「有饭吃、有衣穿、有干净水喝、有临时安全住处、有医疗服务」) of a
    shelter in use, checked on site with photos."""
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="shelter_checks")
    shelter = models.ForeignKey("places.Place", verbose_name="安置点", on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField("检查时间")
    food = models.BooleanField("有饭吃")
    clothing = models.BooleanField("有衣穿")
    water = models.BooleanField("有干净水喝")
    lodging = models.BooleanField("有临时安全住处")
    medical = models.BooleanField("有医疗服务")
    note = models.CharField("问题和措施", max_length=300, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ByEvent.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "安置点“五有”检查"
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.shelter} {timezone.localtime(self.checked_at):%m-%d %H:%M}"

    FIVE = ("food", "clothing", "water", "lodging", "medical")

    @property
    def all_five(self) -> bool:
        return all(getattr(self, f) for f in self.FIVE)


class Aid(models.Model):
    """Relief given during the event: goods leave a warehouse on an 出库单 of the supplies ledger
    (drafted here, posted by the keepers), to a shelter or a household, for a number of people.
    `persons` and `delivered_at` give the share of people needing help whose basic needs were met
    within 8 hours (seed 000: 「受灾群众基本生活8小时得到初步救助率达到95%以上」)."""
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="aids")
    town = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+")
    shelter = models.ForeignKey("places.Place", verbose_name="安置点", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    household = models.CharField("受助户", max_length=60, blank=True, help_text="发放到户时填写户主")
    persons = models.PositiveIntegerField("救助人数")
    document = models.ForeignKey("supplies.StockDocument", verbose_name="出库单", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = ByEvent.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "应急救助发放"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.shelter or self.household} {self.persons}人"
