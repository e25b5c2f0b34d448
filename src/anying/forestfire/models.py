"""森林防火 (issue #17 point 5): the daily fire-danger level, seasons and bans, checkpoints with
their duty roster and the public 进山扫码 register, rangers and their patrols, outdoor fire use
(applications and illegal use), fire reports with their check and outcome, forest areas for the
burnt-area rate, and the forest 三个责任人 and zones.

Every record has a region and is read through the area rule (core.scope.area_q): a town sees its
own, the district all of its towns. Seasons and bans are handed down: a town also sees the
district's (they apply to it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from anying.core.models import Organisation, Region
from anying.core.scope import ScopedQuerySet, area_q, viewer
from anying.places.models import Place
from anying.warning.models import Contact


class AreaQuerySet(ScopedQuerySet):
    scope_rule = "area"
    scope_fields = {"region": "region"}


class HandedDownQuerySet(ScopedQuerySet):
    """District-wide records (seasons, bans): the territory's and those of the regions above it."""

    def visible_to(self, user):
        from anying.core.scope import GOVERNMENT, SYSTEM, ancestor_paths, unit_region_path

        kind = viewer(user)
        if kind == SYSTEM:
            return self.all()
        if kind != GOVERNMENT:
            return self.none()
        return self.filter(area_q(user) | models.Q(region__path__in=ancestor_paths(unit_region_path(user))))


class FireDanger(models.Model):
    """The day's 森林火险气象等级 of a region (a town, or the district for all its towns)."""

    class Source(models.TextChoices):
        MANUAL = "manual", "人工录入"
        IMPORT = "import", "文件导入"
        API = "api", "接口"

    region = models.ForeignKey(Region, verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    day = models.DateField("日期")
    level = models.PositiveSmallIntegerField("火险等级", choices=[(n, f"{n}级") for n in range(1, 6)])
    source = models.CharField("来源", max_length=8, choices=Source.choices, default=Source.MANUAL)
    issuer = models.CharField("发布单位", max_length=100, blank=True, default="区气象局、区林业局")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "森林火险等级"
        ordering = ["-day", "region__path"]
        constraints = [models.UniqueConstraint(fields=["region", "day"], name="firedanger_once_a_day")]
        indexes = [models.Index(fields=["day", "region"], name="firedanger_day_region")]

    def __str__(self) -> str:
        return f"{self.region} {self.day} {self.level}级"


class FireSeason(models.Model):
    """森林防火期 of a year (春防、冬春防 …) over a region and everything below it."""

    region = models.ForeignKey(Region, verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=60)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HandedDownQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "森林防火期"
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return f"{self.name}（{self.starts_on:%Y-%m-%d}至{self.ends_on:%Y-%m-%d}）"


class FireBan(models.Model):
    """禁火令: every outdoor fire use in its region is forbidden between its times (seed 003)."""

    region = models.ForeignKey(Region, verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    number = models.CharField("文号", max_length=60, blank=True)
    issuer = models.CharField("发布单位", max_length=100)
    starts_at = models.DateTimeField("起始时间")
    ends_at = models.DateTimeField("截止时间")
    text = models.TextField("禁火令内容")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HandedDownQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "禁火令"
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.issuer}禁火令{('（' + self.number + '）') if self.number else ''}"


class CheckpointQuerySet(ScopedQuerySet):
    scope_rule = "area"
    scope_fields = {"region": "place__region"}


class Checkpoint(models.Model):
    """A 森林防火检查站（哨卡）: a place of kind 卡口 with its public QR token."""

    place = models.OneToOneField(Place, verbose_name="场所", on_delete=models.PROTECT, related_name="checkpoint")
    token = models.CharField(max_length=32, unique=True, editable=False)  # the public QR's secret
    forest = models.CharField("通往林区", max_length=100, blank=True)
    is_active = models.BooleanField("启用", default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CheckpointQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "森林防火检查站"
        ordering = ["place__region__path", "place__name"]

    def __str__(self) -> str:
        return self.place.name


class DutyQuerySet(ScopedQuerySet):
    scope_rule = "area"
    scope_fields = {"region": "checkpoint__place__region"}


class CheckpointDuty(models.Model):
    """Who guards a checkpoint on a day (值守排班)."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="duties")
    day = models.DateField("日期")
    contact = models.ForeignKey(Contact, verbose_name="值守人员", on_delete=models.PROTECT, related_name="+")
    shift = models.CharField("班次", max_length=30, blank=True, default="全天")

    objects = DutyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "检查站值守"
        ordering = ["day", "checkpoint", "shift"]
        constraints = [models.UniqueConstraint(fields=["checkpoint", "day", "contact"], name="duty_once_a_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.contact}"


class EntryQuerySet(ScopedQuerySet):
    scope_rule = "area"
    scope_fields = {"region": "checkpoint__place__region"}


class Entry(models.Model):
    """One 进山登记 by the public form. The ID number is kept masked (first 4 and last 4 digits)
    with a keyed hash to see repeat visitors; nothing else of it is stored."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="entries")
    day = models.DateField("日期", db_index=True)
    name = models.CharField("姓名", max_length=40)
    phone = models.CharField("手机号", max_length=11)
    id_masked = models.CharField("身份证号", max_length=18)
    id_hash = models.CharField(max_length=64, db_index=True)
    people = models.PositiveSmallIntegerField("同行人数（含本人）", default=1)
    purpose = models.CharField("进山事由", max_length=20)
    fire_source = models.CharField("携带火种", max_length=100, blank=True)
    pledge = models.BooleanField("已承诺不带火种进山、不野外用火", default=False)
    level = models.PositiveSmallIntegerField("当日火险等级", null=True, blank=True)
    required = models.BooleanField("当日须登记", default=False)
    time_in = models.DateTimeField("进山时间")
    time_out = models.DateTimeField("下山时间", null=True, blank=True)
    out_key = models.CharField(max_length=32, unique=True)  # in the visitor's cookie: the same phone checks out

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "进山登记"
        ordering = ["-time_in"]
        indexes = [models.Index(fields=["checkpoint", "day"], name="entry_checkpoint_day"),
                   models.Index(fields=["phone", "day"], name="entry_phone_day")]

    def __str__(self) -> str:
        return f"{self.name} {self.time_in:%Y-%m-%d %H:%M}"


class Ranger(models.Model):
    """护林员: a person of the 责任人名册 (role 护林员) with the area they guard and their contract."""

    contact = models.ForeignKey(Contact, verbose_name="人员", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name="管护区域（村社区）", on_delete=models.PROTECT, related_name="+")
    area = models.CharField("管护范围", max_length=200, blank=True, help_text="山头、林班或四至")
    contract_from = models.DateField("聘用起")
    contract_to = models.DateField("聘用止")
    is_active = models.BooleanField("在岗", default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "护林员"
        ordering = ["region__path", "contact__name"]

    def __str__(self) -> str:
        return self.contact.name


class PatrolQuerySet(ScopedQuerySet):
    scope_rule = "area"
    scope_fields = {"region": "ranger__region"}


class Patrol(models.Model):
    """A ranger's patrol (巡护日志)."""

    ranger = models.ForeignKey(Ranger, on_delete=models.PROTECT, related_name="patrols")
    started_at = models.DateTimeField("开始时间")
    ended_at = models.DateTimeField("结束时间")
    route = models.CharField("巡护路线", max_length=300)
    track = models.JSONField("轨迹（经纬度）", null=True, blank=True)  # [[lon, lat], …]
    findings = models.TextField("发现情况", blank=True)
    fire_use_stopped = models.PositiveSmallIntegerField("制止违规用火（次）", default=0)
    fires_reported = models.PositiveSmallIntegerField("报告火情（次）", default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PatrolQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "巡护记录"
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["ranger", "started_at"], name="patrol_ranger_time")]

    def __str__(self) -> str:
        return f"巡护 {self.started_at:%Y-%m-%d %H:%M}"


class FireUse(models.Model):
    """野外用火申请 (application → approval or refusal; refused automatically under a ban)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "不予批准"
        REVOKED = "revoked", "已撤销（禁火令）"

    number = models.CharField("编号", max_length=30, unique=True, editable=False)
    region = models.ForeignKey(Region, verbose_name="用火地点（村社区）", on_delete=models.PROTECT, related_name="+")
    place = models.CharField("具体位置", max_length=200)
    applicant = models.CharField("申请人", max_length=60)
    phone = models.CharField("联系电话", max_length=20)
    kind = models.CharField("用火事由", max_length=30)
    reason = models.TextField("用火说明")
    starts_at = models.DateTimeField("用火开始")
    ends_at = models.DateTimeField("用火结束")
    precautions = models.TextField("防火措施")
    watcher = models.CharField("看守人", max_length=60)
    watcher_phone = models.CharField("看守人电话", max_length=20)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    ban = models.ForeignKey(FireBan, verbose_name="依据的禁火令", on_delete=models.PROTECT, null=True, blank=True,
                            related_name="refused")
    decision = models.CharField("审批意见", max_length=500, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "野外用火申请"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.number} {self.applicant}{self.kind}"


class IllegalFireUse(models.Model):
    """违规野外用火 found (by a ranger, a patrol, a report) with the penalty applied."""

    region = models.ForeignKey(Region, verbose_name="地点（村社区）", on_delete=models.PROTECT, related_name="+")
    place = models.CharField("具体位置", max_length=200)
    occurred_at = models.DateTimeField("发现时间")
    person = models.CharField("行为人", max_length=60, blank=True)
    description = models.TextField("情况")
    penalty = models.CharField("处理依据", max_length=10)  # code of data/penalties.csv
    action = models.CharField("处理结果", max_length=200, blank=True, help_text="如：警告并罚款500元、批评教育")
    fine = models.DecimalField("罚款（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    ban = models.ForeignKey(FireBan, verbose_name="违反的禁火令", on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="+")
    patrol = models.ForeignKey(Patrol, on_delete=models.SET_NULL, null=True, blank=True, related_name="illegal")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "违规用火"
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"违规用火 {self.place}"


class FireReport(models.Model):
    """A fire reported (ranger, public, camera): the town of the place checks it (a check task)
    and records the outcome — a false alarm, or a fire with its burnt area and class."""

    class Source(models.TextChoices):
        RANGER = "ranger", "护林员"
        PUBLIC = "public", "群众报告"
        CAMERA = "camera", "视频监控"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        REPORTED = "reported", "待核查"
        FALSE_ALARM = "false_alarm", "虚警"
        FIRE = "fire", "火情"

    number = models.CharField("编号", max_length=30, unique=True, editable=False)
    source = models.CharField("来源", max_length=8, choices=Source.choices)
    reported_at = models.DateTimeField("报告时间")
    reporter = models.CharField("报告人", max_length=60, blank=True)
    reporter_phone = models.CharField("报告人电话", max_length=20, blank=True)
    region = models.ForeignKey(Region, verbose_name="地点（区划）", on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(Region, verbose_name="核查镇街", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Organisation, verbose_name="核查单位", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    place = models.CharField("位置描述", max_length=200)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    description = models.TextField("报告内容")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.REPORTED, db_index=True)
    check_note = models.TextField("核查情况", blank=True)
    burnt_ha = models.DecimalField("受害森林面积（公顷）", max_digits=10, decimal_places=4, null=True, blank=True)
    deaths = models.PositiveIntegerField("死亡（人）", default=0)
    injuries = models.PositiveIntegerField("重伤（人）", default=0)
    grade = models.CharField("森林火灾等级", max_length=12, blank=True)
    extinguished_at = models.DateTimeField("扑灭时间", null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    checked_at = models.DateTimeField("核查时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    version = models.PositiveIntegerField(default=1)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "火情报告"
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"{self.number} {self.place}"

    @property
    def grade_label(self) -> str:
        from .reference import grade_label

        return grade_label(self.grade)


class ForestArea(models.Model):
    """The forest area of a region in a year (entered by the bureau), the denominator of the
    burnt-area rate."""

    region = models.ForeignKey(Region, verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    area_ha = models.DecimalField("森林面积（公顷）", max_digits=12, decimal_places=2)
    source = models.CharField("数据来源", max_length=200, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "森林面积"
        ordering = ["-year", "region__path"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="forestarea_once_a_year")]

    def __str__(self) -> str:
        return f"{self.region} {self.year}年森林面积"


class Responsibility(models.Model):
    """A forest 责任人: one of the 三个责任人 of a region, or a link of the zone chain
    (区领导包镇 … 户包山), shown on the public board."""

    class Kind(models.TextChoices):
        ADMIN = "admin", "行政区负责人"
        DEPT = "dept", "行业监管部门负责人"
        OPERATOR = "operator", "经营单位责任人（网格护林员）"
        DISTRICT_TOWN = "district_town", "区领导包镇（街道）"
        TOWN_VILLAGE = "town_village", "镇（街道）领导包村（社区）"
        VILLAGE_GROUP = "village_group", "村（社区）干部包组"
        GROUP_HOUSE = "group_house", "小组长包户"
        HOUSE_HILL = "house_hill", "户包山"

    THREE = (Kind.ADMIN, Kind.DEPT, Kind.OPERATOR)

    region = models.ForeignKey(Region, verbose_name="责任区域", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("责任类别", max_length=16, choices=Kind.choices)
    contact = models.ForeignKey(Contact, verbose_name="责任人", on_delete=models.PROTECT, related_name="+")
    zone = models.CharField("包保范围", max_length=200, blank=True, help_text="如：包虎峰镇；包三组；包后山林班")
    letter_signed_on = models.DateField("责任书签订日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "森林防火责任人"
        ordering = ["region__path", "kind"]
        constraints = [models.UniqueConstraint(fields=["region", "kind", "contact"], name="responsibility_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.contact}"
