"""Emergency plans (应急预案, issue #15 point 4; SEED A4.1–A4.10) and drills (演练, point 6; A5.1–A5.7).

A plan (`EmergencyPlan`) belongs to a unit — a government unit, or an enterprise through its own
`Organisation` — and has a level (区级总体 … 现场处置方案), a hazard type (data: `HazardType`), a
parent plan (区 → 镇 → 村), its document number, edition, file (core attachments) and in-force
dates. Its structured content follows GB/T 29639-2020: response levels with activation criteria
(`ResponseLevel`; response levels are not accident grades), organisation and roles (`PlanRole`),
an action checklist per level and role (`PlanAction`) and the resources it needs (`PlanResource`).
It is reviewed and filed (lifecycle in services.py), evaluated (`PlanEvaluation`) and revised on a
schedule. A `Drill` exercises a plan: planned for a month, held, evaluated with a score and
weaknesses; weaknesses and evaluations lead to `FollowUp`s (tasks, and revision tasks on a plan).

Figures (filing deadline, evaluation and revision cycles, the 98% target, coverage rules, drill
quotas) are data rows with their sources (`Requirement`, `CoverageRule`, `DrillQuota`), loaded
from data/*.csv by migration 0002.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from anying.core.models import Industry, Organisation, Region
from anying.core.scope import ScopedQuerySet
from anying.registry.models import Enterprise


class PlanScoped(ScopedQuerySet):
    """core.scope.plan_q: a government unit's records for the unit, its peers and superiors, and
    handed down to the units below; an enterprise's like any record of the enterprise."""
    scope_rule = "plan"
    scope_fields = {"owner": "owner", "enterprise": "enterprise", "region": "region", "industry": "industry"}


class ByPlan(ScopedQuerySet):
    scope_rule = "plan"
    scope_fields = {"owner": "plan__owner", "enterprise": "plan__enterprise", "region": "plan__region",
                    "industry": "plan__industry"}


class FollowUpScoped(ScopedQuerySet):
    scope_rule = "plan"
    scope_fields = {"owner": "unit", "enterprise": "enterprise", "region": "region", "industry": "industry"}


# --- reference data ----------------------------------------------------------------------------

class HazardType(models.Model):
    """A kind of emergency a plan or drill is about (森林火灾, 防汛抗旱, 自然灾害救助 …): data, so
    coverage rules and drill quotas can name it."""

    class Category(models.TextChoices):
        GENERAL = "general", "综合"
        NATURAL = "natural", "自然灾害"
        ACCIDENT = "accident", "事故灾难"
        HEALTH = "health", "公共卫生事件"
        SOCIAL = "social", "社会安全事件"

    code = models.SlugField("代码", max_length=40, unique=True)
    category = models.CharField("类别", max_length=10, choices=Category.choices)
    name = models.CharField("灾种", max_length=40)
    order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = verbose_name_plural = "灾种"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Requirement(models.Model):
    """A figure the plans and drills follow, with its source: a law's article and its words, or a
    product default (`verified` false: shown as 「未核对原文」)."""

    class Unit(models.TextChoices):
        DAYS = "days", "日"
        WORKING_DAYS = "working_days", "个工作日"
        MONTHS = "months", "个月"
        YEARS = "years", "年"
        PERCENT = "percent", "%"

    code = models.CharField("代码", max_length=40, unique=True)
    label = models.CharField("事项", max_length=200)
    applies_to = models.CharField("适用范围", max_length=300, blank=True)
    value = models.PositiveIntegerField("数值")
    unit = models.CharField("单位", max_length=12, choices=Unit.choices)
    kind = models.CharField("类别", max_length=20)
    source = models.TextField("来源")
    article = models.CharField("条款", max_length=60, blank=True)
    quote = models.TextField("原文", blank=True)
    tier = models.CharField("可靠程度", max_length=8, blank=True)
    verified = models.BooleanField("已核对原文", default=True)
    configurable = models.BooleanField("可由区里修改", default=False)
    default_value = models.PositiveIntegerField("默认数值", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "预案与演练依据"
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return f"{self.label}：{self.value}{self.get_unit_display()}"


class CoverageRule(models.Model):
    """Every town must have a plan of this hazard type (SEED A4.5)."""
    code = models.CharField("代码", max_length=40, unique=True)
    level = models.CharField("层级", max_length=20, default="town")
    hazard_type = models.ForeignKey(HazardType, verbose_name="灾种", on_delete=models.PROTECT, related_name="+")
    label = models.CharField("应有预案", max_length=100)
    source = models.TextField("来源")
    quote = models.TextField("原文", blank=True)
    verified = models.BooleanField("已核对原文", default=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "预案覆盖要求"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.label


class DrillQuota(models.Model):
    """At least `count` drills of a kind per period for a kind of unit (SEED A5.4, A5.5)."""

    class AppliesTo(models.TextChoices):
        TOWN = "town", "镇街"
        ENTERPRISE = "enterprise", "一般企业"
        HIGH_RISK = "high_risk", "高危行业企业"

    code = models.CharField("代码", max_length=40, unique=True)
    label = models.CharField("指标", max_length=100)
    applies_to = models.CharField("适用于", max_length=12, choices=AppliesTo.choices)
    drill_kind = models.CharField("演练形式", max_length=10, blank=True)
    hazard_type = models.ForeignKey(HazardType, verbose_name="灾种", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    hazard_category = models.CharField("灾种类别", max_length=10, blank=True)
    evacuation = models.BooleanField("须含疏散逃生", default=False)
    count = models.PositiveSmallIntegerField("至少次数", default=1)
    months = models.PositiveSmallIntegerField("周期（月）", default=12)
    source = models.TextField("来源")
    article = models.CharField("条款", max_length=60, blank=True)
    quote = models.TextField("原文", blank=True)
    tier = models.CharField("可靠程度", max_length=8, blank=True)
    verified = models.BooleanField("已核对原文", default=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "演练指标"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.label

    @property
    def period_label(self) -> str:
        return {6: "每半年", 12: "每年", 24: "每两年"}.get(self.months, f"每{self.months}个月")


# --- plans ----------------------------------------------------------------------------------------

class EmergencyPlan(models.Model):
    class Level(models.TextChoices):
        DISTRICT_GENERAL = "district_general", "区级总体应急预案"
        DISTRICT_SPECIAL = "district_special", "区级专项应急预案"
        DEPARTMENT = "department", "部门应急预案"
        TOWN = "town", "镇街应急预案"
        VILLAGE = "village", "村（社区）应急预案"
        ENTERPRISE = "enterprise", "企业应急预案"
        ONSITE = "onsite", "现场处置方案"

    class Status(models.TextChoices):
        DRAFT = "draft", "起草"
        SUBMITTED = "submitted", "报审"
        RETURNED = "returned", "退回修改"
        APPROVED = "approved", "审核通过"
        ISSUED = "issued", "已印发"
        FILED = "filed", "已备案"

    GOVERNMENT_LEVELS = (Level.DISTRICT_GENERAL, Level.DISTRICT_SPECIAL, Level.DEPARTMENT, Level.TOWN, Level.VILLAGE)
    ENTERPRISE_LEVELS = (Level.ENTERPRISE, Level.ONSITE)

    name = models.CharField("预案名称", max_length=200)
    level = models.CharField("层级", max_length=20, choices=Level.choices)
    hazard_type = models.ForeignKey(HazardType, verbose_name="灾种", on_delete=models.PROTECT, related_name="plans")
    owner = models.ForeignKey(Organisation, verbose_name="编制单位", on_delete=models.PROTECT,
                              related_name="emergency_plans")
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="emergency_plans", editable=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    industry = models.ForeignKey(Industry, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 editable=False)
    parent = models.ForeignKey("self", verbose_name="上级预案", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", help_text="与之衔接的上级预案（区 → 镇 → 村）")
    document_number = models.CharField("文号", max_length=60, blank=True)
    edition = models.CharField("版本", max_length=30, blank=True, help_text="如 2024年版、第3版")
    summary = models.TextField("适用范围和说明", blank=True, max_length=3000)
    issued_on = models.DateField("印发日期", null=True, blank=True)
    effective_from = models.DateField("施行日期", null=True, blank=True)
    effective_to = models.DateField("废止日期", null=True, blank=True, help_text="被新预案替代或废止的日期")
    revision_cycle_years = models.PositiveSmallIntegerField(
        "修订周期（年）", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="为空时按区里设置的修订周期")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", editable=False)
    submitted_at = models.DateTimeField("报审时间", null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    review_opinion = models.TextField("审核意见", blank=True, editable=False)
    filing_number = models.CharField("备案编号", max_length=60, blank=True, editable=False)
    filed_on = models.DateField("备案日期", null=True, blank=True, editable=False)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", editable=False)
    # kept by services.dates(): a query can flag them and the 待办 sort by them
    filing_due = models.DateField("备案期限", null=True, blank=True, editable=False)
    revision_due = models.DateField("修订期限", null=True, blank=True, editable=False)
    evaluation_due = models.DateField("评估期限", null=True, blank=True, editable=False)
    last_evaluated_on = models.DateField("最近评估", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField("登记时间", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PlanScoped.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "应急预案"
        ordering = ["level", "name", "id"]
        indexes = [models.Index(fields=["owner", "status"]), models.Index(fields=["region", "level"]),
                   models.Index(fields=["hazard_type", "region"])]

    def __str__(self) -> str:
        return self.name

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def is_enterprise(self) -> bool:
        return self.enterprise_id is not None

    def in_force(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.issued_on is not None and self.issued_on <= today and (
            self.effective_to is None or self.effective_to >= today)

    def filing_overdue(self, today=None) -> bool:
        """Issued and not filed by the deadline (or filed after it)."""
        today = today or timezone.localdate()
        if self.filing_due is None:
            return False
        if self.filed_on is not None and self.status == self.Status.FILED:
            return self.filed_on > self.filing_due
        return self.status == self.Status.ISSUED and today > self.filing_due

    def revision_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.revision_due is not None and self.revision_due < today

    def evaluation_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.evaluation_due is not None and self.evaluation_due < today


class ResponseLevel(models.Model):
    """一级 … 四级 response (一级 the highest, 突发事件应对法第七十一条) and when it is started. Not
    the accident grade: GB/T 29639-2020「响应分级不可照搬事故分级」."""
    plan = models.ForeignKey(EmergencyPlan, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField("级别", validators=[MinValueValidator(1), MaxValueValidator(4)],
                                              help_text="1 = 一级（最高）… 4 = 四级")
    name = models.CharField("名称", max_length=30, blank=True, help_text="如 Ⅰ级响应；为空时显示“一级响应”")
    criteria = models.TextField("启动条件", max_length=2000)

    objects = ByPlan.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "响应分级"
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="one_response_level_per_number")]

    def __str__(self) -> str:
        return self.name or f"{'一二三四'[self.number - 1]}级响应"


class PlanRole(models.Model):
    """A group or role of the command organisation (指挥部、综合协调组 …) and its duties."""
    plan = models.ForeignKey(EmergencyPlan, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField("工作组/岗位", max_length=60)
    unit = models.ForeignKey(Organisation, verbose_name="牵头单位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    unit_text = models.CharField("牵头/成员单位", max_length=200, blank=True)
    duties = models.TextField("职责", max_length=2000, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=10)

    objects = ByPlan.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "组织机构和职责"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class PlanAction(models.Model):
    """One line of the action checklist: what a role does at a response level, maybe within N minutes."""
    plan = models.ForeignKey(EmergencyPlan, on_delete=models.CASCADE, related_name="actions")
    level = models.ForeignKey(ResponseLevel, verbose_name="响应级别", on_delete=models.CASCADE, related_name="actions")
    role = models.ForeignKey(PlanRole, verbose_name="工作组/岗位", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="actions")
    order = models.PositiveSmallIntegerField("顺序", default=10)
    text = models.CharField("措施", max_length=500)
    within_minutes = models.PositiveIntegerField("时限（分钟）", null=True, blank=True,
                                                 validators=[MaxValueValidator(60 * 24 * 30)])

    objects = ByPlan.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "响应措施"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class PlanResource(models.Model):
    """What the plan needs on hand: teams, supplies, equipment (free text rows)."""
    plan = models.ForeignKey(EmergencyPlan, on_delete=models.CASCADE, related_name="resources")
    name = models.CharField("资源", max_length=100)
    quantity = models.CharField("数量", max_length=60, blank=True)
    note = models.CharField("来源/说明", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=10)

    objects = ByPlan.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "应急资源"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class PlanEvaluation(models.Model):
    """An evaluation (A4.4): keep the plan, or revise it (which creates a revision task)."""

    class Conclusion(models.TextChoices):
        KEEP = "keep", "继续适用"
        REVISE = "revise", "需要修订"

    plan = models.ForeignKey(EmergencyPlan, on_delete=models.PROTECT, related_name="evaluations")
    evaluated_on = models.DateField("评估日期")
    evaluator = models.CharField("评估人/机构", max_length=100)
    conclusion = models.CharField("结论", max_length=8, choices=Conclusion.choices)
    findings = models.TextField("评估意见", max_length=3000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ByPlan.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "预案评估"
        ordering = ["-evaluated_on", "-id"]

    def __str__(self) -> str:
        return f"{self.plan} {self.evaluated_on:%Y-%m-%d} 评估"


# --- drills ---------------------------------------------------------------------------------------

class Drill(models.Model):
    """A drill in a unit's annual plan (A5.1), then its record (A5.2). It may exercise a plan."""

    class Kind(models.TextChoices):
        LIVE = "live", "实战演练"
        TABLETOP = "tabletop", "桌面推演"
        COMBINED = "combined", "综合演练"

    class Status(models.TextChoices):
        PLANNED = "planned", "计划"
        DONE = "done", "已开展"
        CANCELLED = "cancelled", "取消"

    name = models.CharField("演练名称", max_length=200)
    kind = models.CharField("演练形式", max_length=10, choices=Kind.choices)
    hazard_type = models.ForeignKey(HazardType, verbose_name="灾种", on_delete=models.PROTECT, related_name="drills")
    evacuation = models.BooleanField("含疏散逃生", default=False)
    scenario = models.TextField("演练情景", max_length=3000, blank=True)
    plan = models.ForeignKey(EmergencyPlan, verbose_name="检验的预案", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="drills")
    owner = models.ForeignKey(Organisation, verbose_name="组织单位", on_delete=models.PROTECT, related_name="drills")
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="drills",
                                   editable=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    industry = models.ForeignKey(Industry, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 editable=False)
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("计划月份", validators=[MinValueValidator(1), MaxValueValidator(12)])
    due_on = models.DateField("计划月末", editable=False, help_text="计划月份的最后一天：过了仍未开展即为逾期")
    partners = models.CharField("协同单位", max_length=300, blank=True, help_text="其他部门、外区县、驻地部队等")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PLANNED)
    held_on = models.DateField("演练日期", null=True, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    units = models.CharField("参演单位", max_length=300, blank=True)
    people = models.PositiveIntegerField("参演人数", null=True, blank=True, validators=[MaxValueValidator(100000)])
    record = models.TextField("演练情况", max_length=5000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PlanScoped.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "应急演练"
        ordering = ["-year", "month", "id"]
        indexes = [models.Index(fields=["owner", "year"]), models.Index(fields=["region", "year"]),
                   models.Index(fields=["status", "held_on"])]

    def __str__(self) -> str:
        return self.name

    @property
    def planned_label(self) -> str:
        return f"{self.year}年{self.month}月"

    def overdue(self, today=None) -> bool:
        return self.status == self.Status.PLANNED and self.due_on < (today or timezone.localdate())


class DrillEvaluation(models.Model):
    """The drill's evaluation (A5.3): a score and a summary; its weaknesses are follow-ups."""
    drill = models.OneToOneField(Drill, on_delete=models.PROTECT, related_name="evaluation")
    score = models.PositiveSmallIntegerField("评估得分", validators=[MaxValueValidator(100)])
    evaluated_on = models.DateField("评估日期")
    evaluator = models.CharField("评估人/机构", max_length=100)
    summary = models.TextField("评估结论", max_length=3000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "演练评估"

    def __str__(self) -> str:
        return f"{self.drill} 评估"


# --- follow-ups -------------------------------------------------------------------------------

class FollowUp(models.Model):
    """Work that comes out of a drill evaluation, a plan evaluation or (later) an incident's
    after-action review: a task for a unit with a due date, or a revision task on a plan (A4.8).
    Created only through services.add_follow_up; shown in the owner unit's 待办."""

    class Kind(models.TextChoices):
        TASK = "task", "整改任务"
        REVISION = "revision", "预案修订任务"

    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.TASK)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_label = models.CharField("来源", max_length=200, blank=True)
    plan = models.ForeignKey(EmergencyPlan, verbose_name="需修订的预案", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="follow_ups")
    text = models.TextField("任务", max_length=1000)
    unit = models.ForeignKey(Organisation, verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   editable=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    industry = models.ForeignKey(Industry, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 editable=False)
    due_on = models.DateField("完成期限")
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    note = models.CharField("完成情况", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = FollowUpScoped.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "整改与修订任务"
        ordering = ["done_at", "due_on", "id"]
        indexes = [models.Index(fields=["unit", "done_at", "due_on"]), models.Index(fields=["content_type", "object_id"]),
                   models.Index(fields=["plan", "done_at"])]

    def __str__(self) -> str:
        return self.text[:60]

    def overdue(self, today=None) -> bool:
        return self.done_at is None and self.due_on < (today or timezone.localdate())
