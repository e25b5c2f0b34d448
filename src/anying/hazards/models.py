"""The hazard register (隐患排查治理): one register for every channel (PRODUCT.md §4.1).

Region, industry and organisation are copied from the enterprise when a hazard is registered,
so the scope rule and the region × industry tables filter the hazard table itself (a million
rows) without a join to enterprises.
"""

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone

from anying.core.models import Industry, Organisation, Region
from anying.core.routine import RoutineSchedule
from anying.core.scope import ScopedQuerySet
from anying.registry.models import Enterprise
from anying.standards.models import AccidentType, Criterion

REVIEW_DAYS = 10  # 总局令15号 第十七条 (standards/data/xzcf_deadlines.csv); hazards.deadlines cites it too


class HazardQuerySet(ScopedQuerySet):
    scope_fields = {"region": "region", "industry": "industry", "organisation": "organisation",
                    "region_subquery": True}

    # The review clocks (总局令15号 第十七条: 复查 within 10 days of the request for review *or* of
    # the deadline's expiry), for the 待办 pages and the flags; dates in Asia/Shanghai.
    def awaiting_review(self, today: dt.date | None = None):
        """Hazards a regulator must review: submitted (待复查), or still to rectify past their
        deadline without a request for review."""
        today = today or timezone.localdate()
        return self.filter(models.Q(status=Hazard.Status.SUBMITTED)
                           | models.Q(status__in=Hazard.LATE, deadline__lt=today))

    def review_overdue(self, today: dt.date | None = None):
        """Of those, the ones whose 10 days have run out: a review overdue."""
        today = today or timezone.localdate()
        lapsed = today - dt.timedelta(days=REVIEW_DAYS)
        return self.filter(models.Q(status=Hazard.Status.SUBMITTED, review_due__lt=today)
                           | models.Q(status__in=Hazard.LATE, deadline__lt=lapsed))


class Hazard(models.Model):
    class Level(models.TextChoices):
        GENERAL = "general", "一般事故隐患"
        MAJOR = "major", "重大事故隐患"

    class Channel(models.TextChoices):
        SELF = "self", "企业自查"
        INSPECTION = "inspection", "监督检查"
        COVERT = "covert", "明查暗访"
        TIP = "tip", "群众举报"
        EXPERT = "expert", "专家指导服务"
        ASSIGNED = "assigned", "上级交办"

    class Status(models.TextChoices):
        REGISTERED = "registered", "已登记"
        RECTIFYING = "rectifying", "整改中"
        SUBMITTED = "submitted", "待复查"
        CLOSED = "closed", "已销号"

    class Category(models.TextChoices):
        MANAGEMENT = "management", "基础管理类"
        SITE = "site", "现场管理类"

    enterprise = models.ForeignKey(Enterprise, verbose_name="生产经营单位", on_delete=models.PROTECT, related_name="hazards")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="+", editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)

    place = models.CharField("隐患部位", max_length=200)
    description = models.TextField("隐患描述")
    category = models.CharField("隐患类别", max_length=16, choices=Category.choices, default=Category.SITE)
    accident_type = models.ForeignKey(AccidentType, verbose_name="可能导致的事故类型", null=True, blank=True,
                                      on_delete=models.PROTECT, limit_choices_to={"group": "基本事故类型"})
    level = models.CharField("隐患等级", max_length=8, choices=Level.choices, default=Level.GENERAL)
    criterion = models.ForeignKey(Criterion, verbose_name="判定依据", null=True, blank=True, on_delete=models.PROTECT,
                                  limit_choices_to={"is_item": True})
    channel = models.CharField("来源渠道", max_length=16, choices=Channel.choices)
    found_by = models.CharField("发现人", max_length=50)
    # the 专项行动 it was found under (campaigns counts it in the campaign's statistics)
    campaign = models.ForeignKey("campaigns.Campaign", verbose_name="专项行动", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="hazards")
    found_on = models.DateField("发现日期")

    responsible_person = models.CharField("整改责任人", max_length=50, blank=True)
    measures = models.TextField("整改措施", blank=True)
    funds = models.DecimalField("整改资金（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    deadline = models.DateField("整改期限", null=True, blank=True)

    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.REGISTERED, db_index=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    rectified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", editable=False)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", editable=False)
    closed_on = models.DateField("销号日期", null=True, blank=True, editable=False)
    review_due = models.DateField("复查期限", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_demo = models.BooleanField(default=False)

    objects = HazardQuerySet.as_manager()

    events = GenericRelation("core.TimelineEvent")  # the timeline (core.workflow)

    class Meta:
        verbose_name = verbose_name_plural = "事故隐患"
        ordering = ["-found_on", "-id"]
        indexes = [
            models.Index(fields=["region", "industry", "status"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["level", "status"]),
            models.Index(fields=["enterprise", "status"]),
            # the list's default order and the deadline sort, so a page never sorts a million rows
            models.Index(fields=["-found_on", "-id"], name="hazard_found_desc"),
            models.Index(fields=["deadline", "id"], name="hazard_deadline"),
            models.Index(fields=["status", "review_due", "id"], name="hazard_review_queue"),  # 待办
            models.Index(fields=["industry", "-found_on"], name="hazard_industry_found"),
            # a town's (or a region filter's) lists: by level, by industry and date, overdue
            # with industry: a department's level filter then has four equality columns, which
            # SQLite (no statistics) prefers to (region, industry, status)
            models.Index(fields=["region", "level", "industry", "status"], name="hazard_region_level_industry"),
            models.Index(fields=["region", "industry", "found_on"], name="hazard_region_industry_found"),
            models.Index(fields=["region", "status", "deadline"], name="hazard_region_deadline"),
            # sorting within a town's own hazards (the list's date and deadline orders, the API's
            # id order) instead of walking the district-wide index and skipping other towns
            models.Index(fields=["region", "-found_on", "-id"], name="hazard_region_found"),
            models.Index(fields=["region", "deadline", "id"], name="hazard_region_deadline_id"),
            models.Index(fields=["region", "id"], name="hazard_region_id"),
            models.Index(fields=["industry", "status", "deadline"], name="hazard_industry_deadline"),  # 部门 逾期
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.place}"

    LATE = (Status.REGISTERED, Status.RECTIFYING)  # to rectify: what a deadline runs against

    @property
    def review_due_on(self) -> dt.date | None:
        """When the review (复查) is due: 10 days after the request for review, or — no request
        made — 10 days after the deadline passed; None while neither has happened."""
        if self.status == Hazard.Status.SUBMITTED:
            return self.review_due
        if self.status in Hazard.LATE and self.deadline and self.deadline < timezone.localdate():
            return self.deadline + dt.timedelta(days=REVIEW_DAYS)
        return None

    @property
    def review_overdue(self) -> bool:
        due = self.review_due_on
        return due is not None and due < timezone.localdate()

    @property
    def is_overdue(self) -> bool:
        """Past its rectification deadline and still to rectify (queries.overdue, per row)."""
        return self.status in Hazard.LATE and self.deadline is not None and self.deadline < timezone.localdate()

    def channel_for(self, user) -> str:
        """The channel `user` is shown (pages, exports, the API): see `shown_channel`."""
        return shown_channel(self.channel, user)

    def channel_label_for(self, user) -> str:
        return Hazard.Channel(self.channel_for(user)).label


# What an enterprise is shown as a hazard's channel. A hazard registered from a public tip must
# never be recognisable as such to the enterprise it concerns: the reporter is often a worker
# or a neighbour it could identify (举报人保护). A label of its own ("监管检查" only for tips)
# would give it away just the same, so it reads as the ordinary regulator's check it also was:
# a tip becomes a hazard only after an inspector has verified it on site (核查).
ENTERPRISE_SEES = {Hazard.Channel.TIP: Hazard.Channel.INSPECTION}


def shown_channel(channel: str, user) -> str:
    from anying.core.permissions import is_enterprise_user

    return ENTERPRISE_SEES.get(channel, channel) if is_enterprise_user(user) else channel


def enterprise_channel_label(channel: str) -> str:
    """The channel as printed on what reaches an enterprise (函告, 通报, 督办通知书)."""
    return Hazard.Channel(ENTERPRISE_SEES.get(channel, channel)).label


def channel_choices(user) -> list[tuple[str, str]]:
    """The channels a list's filter offers `user`: an enterprise never sees 群众举报."""
    from anying.core.permissions import is_enterprise_user

    if is_enterprise_user(user):
        return [c for c in Hazard.Channel.choices if c[0] not in ENTERPRISE_SEES]
    return list(Hazard.Channel.choices)


class RectificationPlan(models.Model):
    """The six elements of 总局令16号 第十五条, required before a major hazard's rectification."""

    hazard = models.OneToOneField(Hazard, on_delete=models.CASCADE, related_name="plan")
    objectives = models.TextField("目标和任务")
    methods = models.TextField("方法和措施")
    funds_and_materials = models.TextField("经费和物资")
    organisation_and_staff = models.TextField("负责机构和人员")
    time_limit = models.TextField("时限和要求")
    safety_and_emergency = models.TextField("安全措施和应急预案")

    ELEMENTS = ["objectives", "methods", "funds_and_materials", "organisation_and_staff", "time_limit",
                "safety_and_emergency"]

    class Meta:
        verbose_name = verbose_name_plural = "重大事故隐患治理方案"

    def __str__(self) -> str:
        return f"{self.hazard} 治理方案"


class ExtensionRequestQuerySet(models.QuerySet):
    """Requests waiting for an answer (5 days, 总局令15号 第十七条): a request stops waiting when
    its hazard leaves 整改中, as the clock `extension_answer` does."""

    def waiting(self):
        return self.filter(status=ExtensionRequest.Status.PENDING, hazard__status=Hazard.Status.RECTIFYING)

    def answer_overdue(self, today: dt.date | None = None):
        return self.waiting().filter(answer_due__lt=today or timezone.localdate())


class ExtensionRequest(models.Model):
    """整改延期申请 (总局令15号 第十七条, PRODUCT.md §4.1): asked at least 10 days before the
    deadline, answered within 5 days."""

    class Status(models.TextChoices):
        PENDING = "pending", "待答复"
        APPROVED = "approved", "已同意"
        REFUSED = "refused", "不同意"

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField("申请日期")
    current_deadline = models.DateField("原整改期限")
    new_deadline = models.DateField("申请延至")
    reason = models.TextField("延期理由")
    answer_due = models.DateField("答复期限")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_on = models.DateField("答复日期", null=True, blank=True)
    answer = models.TextField("答复意见", blank=True)

    objects = ExtensionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "整改延期申请"
        ordering = ["-requested_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["hazard"], condition=models.Q(status="pending"),
                                               name="one_pending_extension_per_hazard")]

    def __str__(self) -> str:
        return f"{self.hazard_id} 延期至 {self.new_deadline}"

    @property
    def answer_overdue(self) -> bool:
        return self.status == ExtensionRequest.Status.PENDING and self.answer_due < timezone.localdate()


class Supervision(models.Model):
    """督办 of a major hazard by the district or the city, with its letter (文号) and the weekly
    progress it requires while the hazard is open."""

    class Level(models.TextChoices):
        DISTRICT = "district", "区级督办"
        CITY = "city", "市级督办"

    hazard = models.OneToOneField(Hazard, on_delete=models.CASCADE, related_name="supervision")
    level = models.CharField("督办级别", max_length=10, choices=Level.choices, default=Level.DISTRICT)
    unit = models.ForeignKey(Organisation, verbose_name="督办单位", on_delete=models.PROTECT, related_name="+")
    document_no = models.CharField("文号", max_length=60, unique=True)
    issued_on = models.DateField("督办日期")
    requirements = models.TextField("督办要求")
    due = models.DateField("办结期限")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # empty: the 挂牌督办 rung of the overdue ladder

    class Meta:
        verbose_name = verbose_name_plural = "重大隐患督办"

    def __str__(self) -> str:
        return self.document_no


class ProgressReport(models.Model):
    """Weekly progress of a supervised major hazard (每周报告治理进展)."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="progress_reports")
    reported_on = models.DateField("报告日期")
    content = models.TextField("治理进展")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "治理进展周报"
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.reported_on}"


class ChecklistTemplate(models.Model):
    """检查清单: what to check in a routine self-inspection (日周月排查) or, later, an inspection.

    Versioned: a published version never changes, so every round recorded against it keeps its
    meaning; editing makes the next version as a draft. Versions of one checklist share `code`.
    Checklists live with hazards (not inspections) because self-inspection, which is part of
    the hazard register, needs them and apps only import downwards (docs/decisions.md)."""

    class Use(models.TextChoices):
        DAILY = "daily", "班组日排查"
        WEEKLY = "weekly", "部门周排查"
        MONTHLY = "monthly", "厂长/经理月排查"
        MAJOR = "major", "重大事故隐患排查"
        INSPECTION = "inspection", "执法检查"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        SUPERSEDED = "superseded", "已被新版本取代"
        RETIRED = "retired", "已停用"

    code = models.CharField(max_length=32, editable=False)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    name = models.CharField("清单名称", max_length=100)
    use = models.CharField("用途", max_length=12, choices=Use.choices)
    industry = models.ForeignKey(Industry, verbose_name="适用行业", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", help_text="留空表示适用于所有行业；含下级行业")
    owner = models.ForeignKey(Organisation, verbose_name="维护单位", on_delete=models.PROTECT, related_name="+")
    criteria_set = models.ForeignKey("standards.CriteriaSet", verbose_name="依据的判定标准", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", editable=False)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    # every change counts here, compared by core.workflow (409): `version` is the edition number
    revision = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "检查清单"
        ordering = ["use", "name", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="one_checklist_version")]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class ChecklistItem(models.Model):
    """One line of a checklist. An item taken from a 判定标准 criterion is major: a 不符合
    finding against it registers a major hazard citing that criterion."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    text = models.TextField("检查内容")
    basis = models.CharField("检查依据", max_length=200, blank=True)
    criterion = models.ForeignKey(Criterion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "检查项"
        ordering = ["template", "position", "id"]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_major(self) -> bool:
        return self.criterion_id is not None


class SelfInspectionQuerySet(ScopedQuerySet):
    scope_fields = {"region": "enterprise__region", "industry": "enterprise__industry",
                    "organisation": "enterprise__organisation"}


class SelfInspectionSchedule(RoutineSchedule):
    """One routine self-inspection (日周月排查) an enterprise owes: who checks, how often, with
    which checklist. Rounds are recorded only when done; what is due is computed from the
    frequency (core/routine.py), so a year of daily checks over 100,000 enterprises is not
    36 million placeholder rows. Frequency, working days, start, 启用 and the last done period
    come from `RoutineSchedule`."""

    enterprise = models.ForeignKey(Enterprise, verbose_name="生产经营单位", on_delete=models.CASCADE,
                                   related_name="self_inspection_schedules")
    name = models.CharField("排查名称", max_length=60)
    checklist = models.ForeignKey(ChecklistTemplate, verbose_name="检查清单", on_delete=models.PROTECT,
                                  related_name="schedules")
    assignee = models.CharField("责任班组/部门/人员", max_length=60)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   editable=False)

    objects = SelfInspectionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "日周月排查计划"
        ordering = ["enterprise", "frequency", "id"]
        indexes = [models.Index(fields=["enterprise", "active"])]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.name}"


class SelfInspectionRound(models.Model):
    """One self-inspection done: the period it covers, who checked, each item's result."""

    schedule = models.ForeignKey(SelfInspectionSchedule, on_delete=models.CASCADE, related_name="rounds")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+", editable=False)
    checklist = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="+", editable=False)
    period_start = models.DateField("排查周期")
    done_on = models.DateField("排查日期")
    inspectors = models.CharField("排查人员", max_length=100)
    note = models.TextField("备注", blank=True)
    findings = models.PositiveIntegerField("发现隐患数", default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SelfInspectionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "排查记录"
        ordering = ["-done_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["schedule", "period_start"], name="one_round_per_period")]
        indexes = [models.Index(fields=["enterprise", "-done_on"])]

    def __str__(self) -> str:
        return f"{self.schedule} {self.period_start}"


class RoundResult(models.Model):
    class Result(models.TextChoices):
        OK = "ok", "符合"
        FAIL = "fail", "不符合"
        NA = "na", "不涉及"

    round = models.ForeignKey(SelfInspectionRound, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    result = models.CharField("结果", max_length=4, choices=Result.choices)
    note = models.CharField("情况说明", max_length=500, blank=True)
    hazard = models.OneToOneField(Hazard, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="self_inspection_result")

    class Meta:
        verbose_name = verbose_name_plural = "检查项结果"
        ordering = ["round", "item__position", "item_id"]

    def __str__(self) -> str:
        return f"{self.round_id} {self.item_id} {self.result}"


# Rollups (issue #6): the dashboard's hazard figures, kept current by the hazard services in the
# same transaction as each change (hazards/rollups.py), so a dashboard reads a few thousand
# tally rows instead of counting ten million hazards. `anying rollups --check` recounts them.
class TallyQuerySet(ScopedQuerySet):
    # Tallies carry no enterprise, so an enterprise user has none (its own hazards are few
    # enough to count directly); government users get the one scope rule.
    scope_rule = "area"
    scope_fields = {"region": "region", "industry": "industry", "region_subquery": True}


class Tally(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    industry = models.ForeignKey(Industry, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=8)
    n = models.BigIntegerField(default=0)

    objects = TallyQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__}({self.region_id}, {self.industry_id}, {self.level}) = {self.n}"


class HazardTally(Tally):
    """Hazards by region, industry, level, channel and status."""

    channel = models.CharField(max_length=16)
    status = models.CharField(max_length=12)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "industry", "level", "channel", "status"],
                                               name="hazard_tally_key")]


class HazardDueTally(Tally):
    """Hazards to rectify (已登记/整改中) by region, industry, level and deadline: overdue = the
    rows before today."""

    deadline = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "industry", "level", "deadline"],
                                               name="hazard_due_tally_key")]
        indexes = [models.Index(fields=["deadline"])]


class HazardMonthTally(Tally):
    """Hazards found (by found_on) and closed (by closed_on) per month: the trend lines."""

    month = models.DateField()  # the first day of the month
    kind = models.CharField(max_length=8)  # "found" or "closed"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "industry", "level", "month", "kind"],
                                               name="hazard_month_tally_key")]
        indexes = [models.Index(fields=["month"])]
