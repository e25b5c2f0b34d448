"""接报 and 信息报送 (issue #15 points 2–3; SEED A2.1–A2.8; docs/incidents.md).

An `Incident` is one event as the duty desks know it: where and when it happened, when each desk
heard of it, what it has done (dead, injured, trapped, missing, losses) and where the facts came
from. Several intakes of the same event are merged into one (`merged_into`). Each government desk
that holds the incident (`Desk`: the town that took the call, the district it reported to) keeps
its own chain of reports upward (`Report`: one 首报, any number of 续报, one 终报, 补报 after it),
each a frozen snapshot. What each desk owes and by when (`Due`) comes from `ReportRule` rows —
data cited to the article they come from, per region and per grade, in force from a date — so a
report after its deadline is 迟报 by rule, not by opinion (`Flag`). 漏报/瞒报/谎报 are flagged by
people, with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from anying.core.models import Industry, Organisation, Region
from anying.core.scope import ScopedQuerySet
from anying.oversight.models import Grade
from anying.registry.models import Enterprise
from anying.standards.models import AccidentType


class Category(models.TextChoices):
    ACCIDENT = "accident", "事故灾难"
    NATURAL = "natural", "自然灾害"
    OTHER = "other", "其他突发事件"


class Kind(models.TextChoices):
    """The sub-type: what decides which rules apply (道路交通、火灾 have a 7-day 补报 window)."""
    WORK_SAFETY = "work_safety", "生产安全事故"
    ROAD = "road", "道路交通事故"
    FIRE = "fire", "火灾事故"
    OTHER_ACCIDENT = "other_accident", "其他事故灾难"
    FLOOD = "flood", "洪涝灾害"
    GEOLOGICAL = "geological", "地质灾害"
    FOREST_FIRE = "forest_fire", "森林草原火灾"
    EARTHQUAKE = "earthquake", "地震灾害"
    WEATHER = "weather", "气象灾害"
    OTHER_NATURAL = "other_natural", "其他自然灾害"
    OTHER = "other", "其他"


KIND_CATEGORY = {
    Kind.WORK_SAFETY: Category.ACCIDENT, Kind.ROAD: Category.ACCIDENT, Kind.FIRE: Category.ACCIDENT,
    Kind.OTHER_ACCIDENT: Category.ACCIDENT, Kind.FLOOD: Category.NATURAL, Kind.GEOLOGICAL: Category.NATURAL,
    Kind.FOREST_FIRE: Category.NATURAL, Kind.EARTHQUAKE: Category.NATURAL, Kind.WEATHER: Category.NATURAL,
    Kind.OTHER_NATURAL: Category.NATURAL, Kind.OTHER: Category.OTHER,
}


class Source(models.TextChoices):
    PHONE = "phone", "电话报告"
    LINKAGE = "linkage", "110/119/120联动"
    BELOW = "below", "下级报告"
    UNIT = "unit", "事发单位报告"
    TIP = "tip", "12350举报"
    MEDIA = "media", "媒体/网络"
    ALARM = "alarm", "监测报警"
    VIDEO = "video", "视频发现"
    OWN = "own", "主动收集"


class Medium(models.TextChoices):
    PHONE = "phone", "电话"
    WRITTEN = "written", "书面"


def visible_q(user, prefix: str = "") -> models.Q:
    """Government users see the incidents in their territory (area rule on the incident's region); a
    department restricted to some industries sees those of its industries and those of no industry (a
    flood, a road accident), and any incident its own unit holds a desk on (one reported to it) or has
    a task of (an order, the plan's checklist)."""
    from anying.core.scope import GOVERNMENT, area_q, user_industry_ids, viewer

    # region_id IN (the territory's ids): the planner then starts from the status or date index it
    # needs (100,000 closed incidents, bench/run_incidents.py) instead of walking every incident
    q = area_q(user, region=f"{prefix}region", industry=f"{prefix}industry", region_subquery=True)
    if viewer(user) == GOVERNMENT:
        if user_industry_ids(user) is not None:
            q |= area_q(user, region=f"{prefix}region", region_subquery=True) \
                & models.Q(**{f"{prefix}industry__isnull": True})
        if user.unit_id:
            from .models_response import Task

            q |= models.Q(**{f"{prefix}pk__in": Desk.objects.filter(unit_id=user.unit_id).values("incident_id")})
            q |= models.Q(**{f"{prefix}pk__in": Task.objects.filter(unit_id=user.unit_id).values("incident_id")})
    return q


class IncidentQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        return self.filter(visible_q(user))


class ByIncident(ScopedQuerySet):
    def visible_to(self, user):
        return self.filter(visible_q(user, "incident__"))


class Incident(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "处置中"
        CLOSED = "closed", "已终报"
        MERGED = "merged", "已合并"
        DISMISSED = "dismissed", "已核销（误报）"

    number = models.CharField("接报编号", max_length=40, unique=True, editable=False)
    title = models.CharField("事件名称", max_length=200)
    category = models.CharField("类别", max_length=16, choices=Category.choices, editable=False)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    accident_type = models.ForeignKey(AccidentType, verbose_name="事故类型（GB 6441-2025）", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+",
                                      limit_choices_to={"group": "基本事故类型"})
    industry = models.ForeignKey(Industry, verbose_name="行业", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    enterprise = models.ForeignKey(Enterprise, verbose_name="事发单位", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="incidents")
    party = models.CharField("事发单位（未登记的）", max_length=200, blank=True)
    region = models.ForeignKey(Region, verbose_name="发生地（镇街或村社区）", on_delete=models.PROTECT, related_name="+")
    place = models.CharField("详细地点", max_length=200)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=10, decimal_places=6, null=True, blank=True)
    # the clocks run from the event: 条例493号 counts the unit's hour from when its head hears of it,
    # which is 立即 after the event; the desk's own receipt time is `Desk.received_at`
    occurred_at = models.DateTimeField("发生时间", db_index=True)
    received_at = models.DateTimeField("接报时间")
    source = models.CharField("信息来源", max_length=16, choices=Source.choices)
    source_detail = models.CharField("来源说明", max_length=200, blank=True, help_text="如：119转警，接警员王某")
    reporter = models.CharField("报告人", max_length=60, blank=True)
    reporter_phone = models.CharField("报告人电话", max_length=40, blank=True)
    verified = models.BooleanField("已核实", default=False)
    verified_at = models.DateTimeField("核实时间", null=True, blank=True, editable=False)
    verification = models.CharField("核实情况", max_length=300, blank=True, help_text="如何核实：现场人员确认、企业负责人电话确认……")
    deaths = models.PositiveIntegerField("死亡", default=0)
    missing = models.PositiveIntegerField("失踪", default=0)
    trapped = models.PositiveIntegerField("被困", default=0)
    injured = models.PositiveIntegerField("受伤", default=0)
    serious_injuries = models.PositiveIntegerField("其中重伤（含急性中毒）", default=0)
    direct_loss = models.DecimalField("初步估计直接经济损失（元）", max_digits=16, decimal_places=2, default=0)
    description = models.TextField("事件经过和现场情况")
    measures = models.TextField("已采取的措施", blank=True)
    grade = models.CharField("事件等级", max_length=12, choices=Grade.choices, db_index=True)
    grade_set_by_hand = models.BooleanField("等级人工确定", default=False, editable=False,
                                            help_text="非生产安全事故无条例分级标准，由值班人员研判确定")
    unit = models.ForeignKey(Organisation, verbose_name="接报单位", on_delete=models.PROTECT, related_name="incidents")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    merged_into = models.ForeignKey("self", verbose_name="并入", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged", editable=False)
    is_exercise = models.BooleanField("演练", default=False, help_text="按真实流程进行的演练，不计入统计和报送质量")
    drill = models.ForeignKey("plans.Drill", verbose_name="演练", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="incidents", help_text="按真实接报流程进行的演练")
    accident = models.ForeignKey("oversight.Accident", verbose_name="事故记录", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="incidents", editable=False)
    closed_at = models.DateTimeField("终报时间", null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "接报事件"
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["status", "-occurred_at"], name="incident_status_occurred"),
                   models.Index(fields=["region", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def party_name(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.party

    @property
    def casualties_text(self) -> str:
        return (f"死亡 {self.deaths} 人，失踪 {self.missing} 人，被困 {self.trapped} 人，"
                f"受伤 {self.injured} 人（其中重伤 {self.serious_injuries} 人）")

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Desk(models.Model):
    """A government desk holding the incident: the unit that took it, and each unit above it that a
    report reached. Its own clocks run from `received_at`; its reports go to `upstream`."""
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="desks")
    unit = models.ForeignKey(Organisation, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField("接报时间")
    via = models.ForeignKey("Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    upstream = models.ForeignKey(Organisation, verbose_name="上报对象", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    upstream_name = models.CharField("上报对象（系统外）", max_length=100, blank=True)
    finished_at = models.DateTimeField("终报时间", null=True, blank=True)

    objects = ByIncident.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "接报单位"
        constraints = [models.UniqueConstraint(fields=["incident", "unit"], name="incident_desk_once")]
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"{self.unit} {self.incident.number}"

    @property
    def to_name(self) -> str:
        return self.upstream.name if self.upstream_id else self.upstream_name


class Report(models.Model):
    class Stage(models.TextChoices):
        FIRST = "first", "首报"
        FOLLOWUP = "followup", "续报"
        FINAL = "final", "终报"
        SUPPLEMENT = "supplement", "补报"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="reports")
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="reports")
    stage = models.CharField("报告类别", max_length=12, choices=Stage.choices)
    sequence = models.PositiveSmallIntegerField("序号", help_text="续报一、续报二……")
    medium = models.CharField("方式", max_length=8, choices=Medium.choices)
    to_unit = models.ForeignKey(Organisation, verbose_name="报送对象", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    to_name = models.CharField("报送对象", max_length=100)
    submitted_at = models.DateTimeField("报送时间")
    recorded_at = models.DateTimeField("录入时间", default=timezone.now, help_text="电话报告补录时，与报送时间不同")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    signed_by = models.CharField("签发领导", max_length=60, blank=True)
    content = models.TextField("报告正文")
    snapshot = models.JSONField("报告时的事件要素", default=dict)
    grade = models.CharField("报告时的等级", max_length=12, choices=Grade.choices)
    late_minutes = models.PositiveIntegerField("迟报分钟", default=0)
    received_at = models.DateTimeField("签收时间", null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    objects = ByIncident.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "信息报告"
        ordering = ["submitted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["desk", "stage", "sequence"], name="report_sequence_once")]
        indexes = [models.Index(fields=["to_unit", "received_at"])]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.stage in (self.Stage.FOLLOWUP, self.Stage.SUPPLEMENT):
            return f"{self.get_stage_display()}{_NUMERALS.get(self.sequence, self.sequence)}"
        return self.get_stage_display()


_NUMERALS = dict(enumerate("零一二三四五六七八九十", 0))


class ReportRule(models.Model):
    """One deadline of the reporting chain, cited to where it comes from. A default row (no region)
    holds for everyone; a region's own row with the same code replaces it inside that region (a
    province's phone and written limits), and a row in force from a later date replaces an older
    one from that date. `minutes` empty: the rule is switched off there."""

    class Stage(models.TextChoices):
        FIRST = "first", "首报"
        FOLLOWUP = "followup", "续报间隔"
        WINDOW = "window", "补报期"
        SUPPLEMENT = "supplement", "补报"
        UNIT = "unit", "事发单位报告"

    class From(models.TextChoices):
        EVENT = "event", "事件发生时起"
        RECEIVED = "received", "本级接报时起"
        PREVIOUS = "previous", "上一次报告时起"
        CHANGE = "change", "伤亡变化时起"
        DAY_END = "day_end", "伤亡变化当日24时前"

    code = models.CharField("代码", max_length=40)
    label = models.CharField("名称", max_length=100)
    region = models.ForeignKey(Region, verbose_name="适用地区", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", help_text="为空表示全国默认")
    effective_from = models.DateField("施行日期")
    stage = models.CharField("报告", max_length=12, choices=Stage.choices)
    medium = models.CharField("方式", max_length=8, choices=Medium.choices, blank=True, help_text="为空表示电话或书面均可")
    grades = models.CharField("适用等级", max_length=60, blank=True, help_text="逗号分隔；为空表示各等级")
    kinds = models.CharField("适用类型", max_length=120, blank=True, help_text="逗号分隔；为空表示各类型")
    minutes = models.PositiveIntegerField("时限（分钟）", null=True, blank=True)
    counts_from = models.CharField("起算", max_length=10, choices=From.choices)
    window_days = models.PositiveIntegerField("补报期（日）", null=True, blank=True,
                                              help_text="补报期：事件发生之日起多少日内伤亡人数变化须补报")
    source = models.CharField("依据", max_length=300)
    article = models.CharField("条款", max_length=60, blank=True)
    quote = models.TextField("原文", blank=True)
    verified = models.BooleanField("已核对原文", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "报送时限规则"
        ordering = ["stage", "code", "effective_from"]
        constraints = [models.UniqueConstraint(fields=["code", "region", "effective_from"], name="report_rule_version",
                                               condition=models.Q(region__isnull=False)),
                       models.UniqueConstraint(fields=["code", "effective_from"], name="report_rule_default_version",
                                               condition=models.Q(region__isnull=True))]

    def __str__(self) -> str:
        return self.label

    def applies(self, grade: str, kind: str) -> bool:
        return (not self.grades or grade in self.grades.split(",")) and (not self.kinds or kind in self.kinds.split(","))


class Due(models.Model):
    """A report a desk owes, and by when: made from a `ReportRule` when the clock starts."""
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="dues")
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="dues")
    stage = models.CharField("报告", max_length=12, choices=Report.Stage.choices)
    medium = models.CharField("方式", max_length=8, choices=Medium.choices, blank=True)
    due_at = models.DateTimeField("应报时间", db_index=True)
    rule = models.ForeignKey(ReportRule, on_delete=models.PROTECT, related_name="+")
    met_by = models.ForeignKey(Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="met")
    met_at = models.DateTimeField("报送时间", null=True, blank=True)
    cancelled = models.BooleanField("不再需要", default=False)
    overdue_at = models.DateTimeField("逾期提醒时间", null=True, blank=True)

    objects = ByIncident.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "应报事项"
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["due_at"], condition=models.Q(met_at__isnull=True, cancelled=False,
                                                                       overdue_at__isnull=True),
                                name="due_pending")]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.met_at is None and not self.cancelled

    @property
    def late_minutes(self) -> int:
        if self.met_at is None or self.met_at <= self.due_at:
            return 0
        return -(-int((self.met_at - self.due_at).total_seconds()) // 60)


class Flag(models.Model):
    """迟报 (by rule, when a report is after its deadline), 漏报/瞒报/谎报 (by a person, with a reason).
    The flagged party is a unit (a desk) or the enterprise the incident happened at."""

    class Kind(models.TextChoices):
        LATE = "late", "迟报"
        OMITTED = "omitted", "漏报"
        CONCEALED = "concealed", "瞒报"
        FALSE = "false", "谎报"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    unit = models.ForeignKey(Organisation, verbose_name="被认定单位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    enterprise = models.ForeignKey(Enterprise, verbose_name="被认定企业", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="flags")
    due = models.ForeignKey(Due, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    minutes = models.PositiveIntegerField("迟报分钟", default=0)
    reason = models.TextField("认定理由")
    automatic = models.BooleanField("按时限自动认定", default=False)
    interview = models.ForeignKey("oversight.Interview", verbose_name="约谈记录", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    withdrawn_reason = models.CharField("撤销理由", max_length=300, blank=True)

    objects = ByIncident.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "报送问题认定"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.party}"

    @property
    def party(self) -> str:
        return str(self.unit or self.enterprise or "")


class DeskSetting(models.Model):
    """Who receives the reports of a region's desks below it (a district: 区应急局) and whom it
    reports to when that is outside the system (重庆市应急管理局)."""
    region = models.OneToOneField(Region, verbose_name="地区", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Organisation, verbose_name="接收下级报告的单位", on_delete=models.PROTECT, related_name="+")
    upstream_name = models.CharField("本级上报对象（系统外）", max_length=100, blank=True,
                                     help_text="如：重庆市应急管理局")

    class Meta:
        verbose_name = verbose_name_plural = "接报与上报设置"

    def __str__(self) -> str:
        return f"{self.region}：{self.unit}"

from .models_response import CommandPost, Dispatch, Response, ResponseLevel, Review, Task  # noqa: E402,F401
