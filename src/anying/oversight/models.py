"""综合监管 records: accidents (生产安全事故) with their investigation (一案双查), 回头看 and
约谈, and the annual key-task table (挂图作战) with milestones and progress reports.

Accidents carry region, industry and organisation like hazards (copied from the enterprise
when there is one), so `visible_to` is the common scope rule on the accident table itself.
Key tasks belong to a responsible government unit and are seen by the government users whose
unit's region contains that unit's region (core.scope.unit_q)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from anying.core.models import Industry, Organisation, Region
from anying.core.scope import ScopedQuerySet, unit_q
from anying.registry.models import Enterprise
from anying.standards.models import AccidentType


class Grade(models.TextChoices):
    """事故等级 of 《生产安全事故报告和调查处理条例》第三条, in rising order."""
    GENERAL = "general", "一般事故"
    LARGER = "larger", "较大事故"
    MAJOR = "major", "重大事故"
    ESPECIALLY = "especially", "特别重大事故"


class AccidentGradeRule(models.Model):
    """The lower bounds of one grade: an accident reaches the grade when any one measure is at
    or above its bound ("以上" includes the number). Loaded from data/accident_grades.csv."""

    grade = models.CharField("事故等级", max_length=12, choices=Grade.choices, unique=True)
    rank = models.PositiveSmallIntegerField("级别（越大越重）", unique=True)
    min_deaths = models.PositiveIntegerField("死亡人数下限")
    min_serious_injuries = models.PositiveIntegerField("重伤人数下限（含急性工业中毒）")
    min_direct_loss = models.DecimalField("直接经济损失下限（元）", max_digits=16, decimal_places=2)
    source = models.CharField("依据", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "事故等级划分标准"
        ordering = ["-rank"]

    def __str__(self) -> str:
        return self.get_grade_display()


class AccidentQuerySet(ScopedQuerySet):
    scope_fields = {"region": "region", "industry": "industry", "organisation": "organisation"}


class Accident(models.Model):
    class Status(models.TextChoices):
        RECORDED = "recorded", "已登记"
        INVESTIGATING = "investigating", "调查中"
        CLOSED = "closed", "已结案"

    occurred_at = models.DateTimeField("发生时间")
    place = models.CharField("发生地点", max_length=200)
    region = models.ForeignKey(Region, verbose_name="所在镇街", on_delete=models.PROTECT, related_name="+")
    industry = models.ForeignKey(Industry, verbose_name="行业", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     editable=False)
    enterprise = models.ForeignKey(Enterprise, verbose_name="事故单位", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="accidents")
    party = models.CharField("事故单位（未登记的）", max_length=200, blank=True,
                             help_text="未在系统登记的单位或个人")
    unit = models.ForeignKey(Organisation, verbose_name="负责单位", on_delete=models.PROTECT, related_name="accidents",
                             help_text="跟踪调查和回头看的政府单位")
    accident_type = models.ForeignKey(AccidentType, verbose_name="事故类型", on_delete=models.PROTECT, related_name="+",
                                      limit_choices_to={"group": "基本事故类型"})
    deaths = models.PositiveIntegerField("死亡人数", default=0)
    serious_injuries = models.PositiveIntegerField("重伤人数", default=0)
    minor_injuries = models.PositiveIntegerField("轻伤人数", default=0)
    direct_loss = models.DecimalField("直接经济损失（元）", max_digits=16, decimal_places=2, default=0)
    grade = models.CharField("事故等级", max_length=12, choices=Grade.choices, editable=False, db_index=True)
    summary = models.TextField("事故经过")
    cause = models.TextField("初步原因", blank=True)
    reported_by = models.CharField("报告人", max_length=100, blank=True)

    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.RECORDED)
    version = models.PositiveIntegerField(default=0, editable=False)  # compared by core.workflow (409)
    closed_on = models.DateField("结案日期", null=True, blank=True, editable=False)
    lookback_due = models.DateField("回头看日期", null=True, blank=True, editable=False, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = AccidentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "生产安全事故"
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["region", "occurred_at"]), models.Index(fields=["enterprise", "occurred_at"]),
                   models.Index(fields=["-occurred_at", "-id"], name="accident_occurred_desc")]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.occurred_at):%Y-%m-%d} {self.party_name}{self.accident_type}事故"

    @property
    def party_name(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.party

    @property
    def injuries_text(self) -> str:
        return f"死亡 {self.deaths} 人，重伤 {self.serious_injuries} 人，轻伤 {self.minor_injuries} 人"

    @property
    def lookback_is_due(self) -> bool:
        return self.lookback_due is not None and self.lookback_due <= timezone.localdate()


class Investigation(models.Model):
    """一案双查: the enterprise's responsibility and the regulators' supervision responsibility."""

    accident = models.OneToOneField(Accident, on_delete=models.CASCADE, related_name="investigation")
    team = models.TextField("调查组")
    findings = models.TextField("事故原因认定")
    enterprise_responsibility = models.TextField("企业主体责任认定及处理")
    supervision_responsibility = models.TextField("监管责任认定及问责", help_text="属地、部门监管责任和相关人员问责")
    measures = models.TextField("整改措施和建议")
    report_date = models.DateField("调查报告日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "事故调查（一案双查）"

    def __str__(self) -> str:
        return f"{self.accident} 调查"


class LookBack(models.Model):
    """回头看: a year after closure, whether the measures of the report were carried out."""

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="lookbacks")
    date = models.DateField("回头看日期")
    findings = models.TextField("评估情况")
    implemented = models.BooleanField("整改措施已落实")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "事故整改回头看"
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.accident} 回头看 {self.date}"


class Interview(models.Model):
    """约谈 of an enterprise with two or more fatal accidents in a calendar year."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    held_on = models.DateField("约谈日期")
    notes = models.TextField("约谈情况")
    joint_punishment = models.BooleanField("纳入联合惩戒（失信名单）", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "事故约谈"
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="one_interview_per_year")]

    def __str__(self) -> str:
        return f"{self.year}年 约谈 {self.enterprise}"


# --- key tasks (挂图作战) ------------------------------------------------------------------------

class KeyTaskTable(models.Model):
    """One annual 责任表, e.g. 2022年工贸行业重点任务“挂图作战”责任表."""

    year = models.PositiveIntegerField("年度", db_index=True)
    title = models.CharField("标题", max_length=200)
    unit = models.ForeignKey(Organisation, verbose_name="印发单位", on_delete=models.PROTECT, related_name="+")
    source = models.CharField("来源", max_length=300, blank=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "重点任务责任表"
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return self.title


class KeyTaskQuerySet(ScopedQuerySet):
    scope_rule = "unit"
    scope_fields = {"unit": "unit", "perm": "oversight.view"}


class KeyTask(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未开始"
        IN_PROGRESS = "in_progress", "推进中"
        DONE = "done", "已完成"

    table = models.ForeignKey(KeyTaskTable, verbose_name="责任表", on_delete=models.PROTECT, related_name="tasks")
    number = models.PositiveIntegerField("序号")
    task = models.CharField("重点任务", max_length=200)
    requirements = models.TextField("工作要求")
    unit = models.ForeignKey(Organisation, verbose_name="责任单位", on_delete=models.PROTECT, related_name="key_tasks")
    person = models.CharField("责任人（职务）", max_length=100, help_text="填写职务，如：工贸科科长")
    leader = models.CharField("责任领导（职务）", max_length=100, help_text="填写职务，如：分管副局长")
    due = models.DateField("完成时限")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    version = models.PositiveIntegerField(default=0, editable=False)  # compared by core.workflow (409)
    percent = models.PositiveSmallIntegerField("进度（%）", default=0)
    done_on = models.DateField("完成日期", null=True, blank=True)

    objects = KeyTaskQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "重点任务"
        ordering = ["table", "number", "id"]
        indexes = [models.Index(fields=["unit", "status", "due"])]

    def __str__(self) -> str:
        return f"{self.number}. {self.task}"

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    def overdue_on(self, today) -> bool:
        return not self.is_done and self.due < today

    @property
    def is_overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())


class Milestone(models.Model):
    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("节点", max_length=200)
    due = models.DateField("节点时限")
    done_on = models.DateField("完成日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "任务节点"
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return f"{self.due:%m-%d} {self.title}"

    def overdue_on(self, today) -> bool:
        # a finished task has no overdue milestones left, whatever was not ticked off
        return self.done_on is None and self.due < today and not self.task.is_done

    @property
    def is_overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())


class ProgressReport(models.Model):
    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="reports")
    date = models.DateField("日期")
    text = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField("完成进度（%）")
    milestone = models.ForeignKey(Milestone, verbose_name="完成节点", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    final = models.BooleanField("任务完成", default=False)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "任务进展"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.task} {self.date} {self.percent}%"


# --- rankings (晾晒) and periodic reports ------------------------------------------------------

class PeriodKind(models.TextChoices):
    WEEK = "week", "周"
    MONTH = "month", "月"
    QUARTER = "quarter", "季度"
    YEAR = "year", "年度"


class RankingScheme(models.Model):
    """Which units are ranked, how often, by which indicators (oversight/indicators.py) with
    which weights: data, loaded from data/ranking_schemes.csv, edited by the 区安委办."""

    class Purpose(models.TextChoices):
        RANKING = "ranking", "晾晒排名"
        ASSESSMENT = "assessment", "年度考核"

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    subject = models.CharField("排名对象", max_length=32, choices=[
        (Organisation.Kind.TOWN_OFFICE, "镇街"), (Organisation.Kind.DEPARTMENT, "行业部门")])
    period = models.CharField("周期", max_length=10, choices=PeriodKind.choices)
    purpose = models.CharField("用途", max_length=12, choices=Purpose.choices, default=Purpose.RANKING)
    indicators = models.JSONField("指标及权重", default=list, help_text='[{"code": "overdue_major", "weight": "30"}, …]')
    source = models.CharField("依据", max_length=300, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "排名方案"
        ordering = ["purpose", "subject", "period", "code"]

    def __str__(self) -> str:
        return self.name


class RankingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Published rankings go to every government user inside the issuing unit's territory
        (晾晒 is the point: each town sees where it stands) and to those above it; drafts only
        to the configurers (oversight.configure) above it."""
        published = models.Q(status=Ranking.Status.PUBLISHED) & unit_q(user, published_down=True)
        return self.filter(published | unit_q(user, perm="oversight.configure"))


class Ranking(models.Model):
    """One period's ranking under a scheme: computed as a draft, then published (晾晒) as a
    snapshot that never changes."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    scheme = models.ForeignKey(RankingScheme, verbose_name="排名方案", on_delete=models.PROTECT, related_name="rankings")
    unit = models.ForeignKey(Organisation, verbose_name="发布单位", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField("期间起")
    period_end = models.DateField("期间止")
    label = models.CharField("期间", max_length=40)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    indicators = models.JSONField("指标快照", default=list)
    rows = models.JSONField("排名结果", default=list)
    # units with no enterprise to supervise, named apart and not ranked: [{"unit_id", "unit"}]
    unranked = models.JSONField("不参与排名的单位", default=list, blank=True)
    computed_at = models.DateTimeField("计算时间")
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    objects = RankingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "晾晒排名"
        ordering = ["-period_start", "scheme"]
        constraints = [models.UniqueConstraint(fields=["scheme", "unit", "period_start"], name="one_ranking_per_period")]

    def __str__(self) -> str:
        return f"{self.scheme.name}（{self.label}）"


class ReportQuerySet(ScopedQuerySet):
    """A report counts its unit's scope, so a reader's scope must contain it: the unit's own
    staff, and users without an industry restriction whose territory contains the unit's
    region. A department (区经信委: 机械, 轻工) reads only its own reports — a district report
    counts every industry; the district admin reads the department's."""

    scope_rule = "unit"
    scope_fields = {"unit": "unit", "summaries": True}


class Report(models.Model):
    """An archived periodic report (周调度、月分析、季通报、年度考核) with what it was made from."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", "周调度"
        MONTHLY = "monthly", "月分析"
        QUARTERLY = "quarterly", "季通报"
        ANNUAL = "annual", "年度考核"

    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    unit = models.ForeignKey(Organisation, verbose_name="编制单位", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField("期间起")
    period_end = models.DateField("期间止")
    label = models.CharField("期间", max_length=40)
    parameters = models.JSONField("生成参数", default=dict)
    file = models.FileField("文件", upload_to="reports/%Y/")
    size = models.PositiveIntegerField("大小（字节）", default=0)
    scheduled = models.BooleanField("定时生成", default=False)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    generated_at = models.DateTimeField("生成时间", default=timezone.now)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "定期报告"
        ordering = ["-generated_at", "-id"]
        indexes = [models.Index(fields=["kind", "unit", "period_start"])]

    def __str__(self) -> str:
        return f"{self.label}{self.get_kind_display()}"
