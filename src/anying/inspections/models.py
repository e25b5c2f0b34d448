"""Enforcement (执法检查, PRODUCT.md §4.2): the inspector directory with conflict-of-interest
exclusions, how often each enterprise must be inspected, the annual plan, and inspections.

An inspection copies region, industry and organisation from its enterprise, like a hazard, so
the scope rule and the monthly 三个强度 figures filter the inspection table itself."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from anying.core import amounts
from anying.core.models import Industry, Organisation, Region
from anying.core.scope import ScopedQuerySet
from anying.hazards.models import TallyQuerySet
from anying.registry.models import Enterprise


class InspectorQuerySet(ScopedQuerySet):
    # an inspector belongs to a unit; the unit's region places them in a territory
    scope_fields = {"region": "unit__region", "industry": None, "organisation": "unit"}


class UnitRecordQuerySet(ScopedQuerySet):
    """Plans and draws are their unit's business and its superiors' (core.scope.unit_q)."""

    scope_rule = "unit"
    scope_fields = {"unit": "unit"}


class EnterpriseEntryQuerySet(ScopedQuerySet):
    """A plan's items, a draw's targets and an inspector's exclusions name enterprises: a reader
    who may see the plan, draw or inspector still sees only the entries in their own scope (a
    department: its industries)."""

    scope_fields = {"region": "enterprise__region", "industry": "enterprise__industry",
                    "organisation": "enterprise__organisation"}


class Inspector(models.Model):
    """执法人员: who may inspect, with the enforcement certificate (执法证) that allows it."""

    unit = models.ForeignKey(Organisation, verbose_name="所在单位", on_delete=models.PROTECT, related_name="inspectors")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="系统账号", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="inspector")
    name = models.CharField("姓名", max_length=50)
    certificate_no = models.CharField("执法证号", max_length=40, unique=True)
    certificate_expiry = models.DateField("执法证有效期至")
    phone = models.CharField("联系电话", max_length=40, blank=True)
    active = models.BooleanField("在岗", default=True)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = InspectorQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "执法人员"
        ordering = ["unit", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_no}）"

    def certified_on(self, day) -> bool:
        return self.active and self.certificate_expiry >= day


class Exclusion(models.Model):
    """回避: an inspector who may not inspect an enterprise (kin, former employer, …)."""

    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="exclusions")
    enterprise = models.ForeignKey(Enterprise, verbose_name="回避企业", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField("回避原因", max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = EnterpriseEntryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "回避关系"
        constraints = [models.UniqueConstraint(fields=["inspector", "enterprise"], name="one_exclusion_per_pair")]

    def __str__(self) -> str:
        return f"{self.inspector.name} 回避 {self.enterprise}"


class FrequencyRule(models.Model):
    """How often an enterprise must be inspected. Data, not code (ENGINEERING.md rule 5):
    loaded from data/inspection_frequencies.csv with each row's source, editable per
    jurisdiction. An enterprise gets the shortest interval of the rules that apply."""

    code = models.CharField(max_length=20, unique=True)
    label = models.CharField("适用对象", max_length=50)
    std_grade = models.CharField("标准化等级", max_length=4, blank=True,
                                 help_text="1/2/3：持有效证书的该等级企业；none：无有效证书；空：不按等级")
    risk_tagged = models.BooleanField("仅限有风险标签的企业", default=False)
    months = models.PositiveIntegerField("检查间隔（月）")
    source = models.CharField("依据", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "检查频次"
        ordering = ["months", "code"]

    def __str__(self) -> str:
        return f"{self.label}：每 {self.months} 个月至少一次"


class InspectionPlan(models.Model):
    """年度执法计划 of one unit: which enterprises in which month."""

    class Status(models.TextChoices):
        DRAFT = "draft", "编制中"
        APPROVED = "approved", "已批准"

    unit = models.ForeignKey(Organisation, verbose_name="执法单位", on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveIntegerField("年度")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    generated_at = models.DateTimeField("生成时间", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "年度执法计划"
        ordering = ["-year", "unit"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_plan_per_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.year} 年度执法计划"


class PlanItem(models.Model):
    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="items")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    month = models.PositiveSmallIntegerField("计划月份")
    earliest_month = models.PositiveSmallIntegerField("最早月份", default=1)
    rule = models.ForeignKey(FrequencyRule, null=True, on_delete=models.SET_NULL, related_name="+")
    last_inspected = models.DateField("上次检查", null=True, blank=True)
    added_by_hand = models.BooleanField(default=False)

    objects = EnterpriseEntryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "计划检查对象"
        ordering = ["month", "region", "enterprise"]
        constraints = [models.UniqueConstraint(fields=["plan", "enterprise"], name="one_item_per_enterprise")]
        indexes = [models.Index(fields=["plan", "month"])]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.month}月 {self.enterprise_id}"


class InspectionQuerySet(ScopedQuerySet):
    scope_fields = {"region": "region", "industry": "industry", "organisation": "organisation",
                    "region_subquery": True}


class Inspection(models.Model):
    """One inspection of one enterprise by a unit (the record grows with issue #4's next steps:
    checklist results, findings, documents)."""

    class Status(models.TextChoices):
        OPEN = "open", "整改中"
        CLEARED = "cleared", "执法清零"

    enterprise = models.ForeignKey(Enterprise, verbose_name="被检查单位", on_delete=models.PROTECT,
                                   related_name="inspections")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="+", editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    unit = models.ForeignKey(Organisation, verbose_name="执法单位", on_delete=models.PROTECT, related_name="+")
    inspected_on = models.DateField("检查日期")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    # the record of an inspection done in the system (inspections imported as "last inspected"
    # history may have none of these)
    checklist = models.ForeignKey("hazards.ChecklistTemplate", verbose_name="检查清单", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    inspectors = models.ManyToManyField(Inspector, verbose_name="执法人员", blank=True, related_name="inspections")
    started_at = models.DateTimeField("检查开始", null=True, blank=True)
    ended_at = models.DateTimeField("检查结束", null=True, blank=True)
    scope_text = models.CharField("检查场所及内容", max_length=300, blank=True)
    summary = models.TextField("检查情况", blank=True)
    inspector_signatures = models.JSONField("执法人员签名", default=list, blank=True)
    enterprise_signatory = models.CharField("被检查单位现场负责人签名", max_length=50, blank=True)
    campaign = models.ForeignKey("campaigns.Campaign", verbose_name="专项行动", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="inspections")
    draw_target = models.ForeignKey("DrawTarget", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="inspections")
    rectify_by = models.DateField("责令整改期限", null=True, blank=True)
    # kept at record time, so the monthly 三个强度 figures sum one column instead of joining results
    findings = models.PositiveIntegerField("发现问题数", default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "执法检查"
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "-inspected_on"]),
                   models.Index(fields=["unit", "inspected_on"])]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.inspected_on}"


class Draw(models.Model):
    """双随机一公开: a random draw of targets and inspectors, reproducible from what is stored —
    the algorithm version, the seed, the parameters and the candidate lists as they were."""

    unit = models.ForeignKey(Organisation, verbose_name="执法单位", on_delete=models.PROTECT, related_name="draws")
    title = models.CharField("抽查事项", max_length=100)
    drawn_on = models.DateField("抽取日期")
    drawn_at = models.DateTimeField(default=timezone.now, editable=False)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    algorithm = models.CharField("算法版本", max_length=20)
    seed = models.CharField("随机种子", max_length=64)
    params = models.JSONField("抽取参数")
    candidates = models.JSONField("候选名单", help_text="抽取时的候选企业、执法人员和回避关系（id）")
    digest = models.CharField("候选名单摘要", max_length=64)
    public_token = models.CharField(max_length=32, unique=True)

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "双随机抽取"
        ordering = ["-drawn_at"]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.title}（{self.drawn_on}）"


class DrawTarget(models.Model):
    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="targets")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    category = models.CharField("类别", max_length=20)
    position = models.PositiveIntegerField()
    inspectors = models.ManyToManyField(Inspector, related_name="draw_targets")

    objects = EnterpriseEntryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "抽取结果"
        ordering = ["draw", "position"]
        constraints = [models.UniqueConstraint(fields=["draw", "enterprise"], name="one_target_per_draw")]

    def __str__(self) -> str:
        return f"{self.draw_id} #{self.position} {self.enterprise_id}"


class InspectionResult(models.Model):
    """One checklist item's result in an inspection; a 不符合 is a finding and a hazard."""

    class Result(models.TextChoices):
        OK = "ok", "符合"
        FAIL = "fail", "不符合"
        NA = "na", "不涉及"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey("hazards.ChecklistItem", on_delete=models.PROTECT, related_name="+")
    result = models.CharField("结果", max_length=4, choices=Result.choices)
    note = models.CharField("情况说明", max_length=500, blank=True)
    hazard = models.OneToOneField("hazards.Hazard", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="inspection_result")

    class Meta:
        verbose_name = verbose_name_plural = "检查项结果"
        ordering = ["inspection", "item__position", "item_id"]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.item_id} {self.result}"


class EnforcementDocument(models.Model):
    """执法文书 issued: its number (from a gap-free yearly counter per 文号字样) and the data it
    was made from, frozen at issue, so the .docx downloaded later says what was issued."""

    class Kind(models.TextChoices):
        SITE_RECORD = "site_record", "现场检查记录"
        RECTIFICATION_ORDER = "rectification_order", "责令限期整改指令书"
        REVIEW_OPINION = "review_opinion", "整改复查意见书"
        PENALTY_NOTICE = "penalty_notice", "行政处罚告知书"
        PENALTY_DECISION = "penalty_decision", "行政处罚决定书"
        SITE_MEASURES = "site_measures", "现场处理措施决定书"
        INQUIRY = "inquiry", "询问笔录"
        FILING = "filing", "立案审批表"
        TRANSFER = "transfer", "案件移送书"

    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="documents")
    penalty = models.ForeignKey("Penalty", null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("文书", max_length=24, choices=Kind.choices)
    number = models.CharField("文号", max_length=60, unique=True)
    issued_on = models.DateField("日期")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField("内容")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "执法文书"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Penalty(models.Model):
    """行政处罚 case (PRODUCT.md §4.2): from 立案 through 告知 and 决定 to payment. Amounts are
    Decimal yuan; deadlines are dates (penalties.py has the rules and their sources)."""

    class Party(models.TextChoices):
        ORGANISATION = "organisation", "法人或其他组织"
        CITIZEN = "citizen", "公民"

    class Procedure(models.TextChoices):
        GENERAL = "general", "一般程序"
        SIMPLE = "simple", "简易程序（当场处罚）"

    class Status(models.TextChoices):
        FILED = "filed", "已立案"
        NOTIFIED = "notified", "已告知"
        DECIDED = "decided", "已决定"
        PAID = "paid", "已缴纳"

    enterprise = models.ForeignKey(Enterprise, verbose_name="当事人单位", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="+", editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    unit = models.ForeignKey(Organisation, verbose_name="执法单位", on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="penalties")
    campaign = models.ForeignKey("campaigns.Campaign", verbose_name="专项行动", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="penalties")
    party = models.CharField("当事人类型", max_length=14, choices=Party.choices, default=Party.ORGANISATION)
    party_name = models.CharField("当事人", max_length=100)
    procedure = models.CharField("程序", max_length=10, choices=Procedure.choices, default=Procedure.GENERAL)
    facts = models.TextField("违法事实")
    evidence = models.TextField("主要证据")
    violated = models.TextField("违反的规定")
    legal_basis = models.TextField("处罚依据")
    amount = models.DecimalField("罚款金额（元）", max_digits=12, decimal_places=2)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.FILED)
    filed_on = models.DateField("立案日期")
    decide_by = models.DateField("作出决定期限")
    # the limit in days from filing: 30, or 90 / 180 after a recorded extension (DecisionExtension)
    decide_within = models.PositiveSmallIntegerField("作出决定期限（立案之日起日数）", default=30)
    notified_on = models.DateField("告知日期", null=True, blank=True)
    statement_by = models.DateField("陈述申辩、听证申请截止", null=True, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    pay_by = models.DateField("缴款期限", null=True, blank=True)
    paid_on = models.DateField("缴款日期", null=True, blank=True)
    paid_amount = models.DecimalField("实缴金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "行政处罚"
        ordering = ["-filed_on", "-id"]
        indexes = [models.Index(fields=["unit", "decided_on"])]

    def __str__(self) -> str:
        return f"{self.party_name} 罚款 {amounts.yuan(self.amount)}"


class DecisionExtension(models.Model):
    """An extension of a penalty case's decision limit (总局令15号 第三十二条): to 90 days with the
    consent of the unit's head (负责人), to 180 days with the approval of the level above (上级).
    Who approved, when and why are recorded; the audit trail has the change of the limit."""

    class Approval(models.TextChoices):
        HEAD = "head", "本部门负责人同意"
        ABOVE = "above", "上一级部门批准"

    penalty = models.ForeignKey(Penalty, on_delete=models.CASCADE, related_name="extensions")
    approval = models.CharField("批准层级", max_length=5, choices=Approval.choices)
    approver = models.CharField("批准人（或批准机关）", max_length=100)
    approved_on = models.DateField("批准日期")
    reason = models.TextField("延长理由")
    days = models.PositiveSmallIntegerField("延长后期限（立案之日起日数）")
    previous_by = models.DateField("原期限")
    decide_by = models.DateField("延长后期限")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "作出决定期限延长"
        ordering = ["penalty", "days"]
        constraints = [models.UniqueConstraint(fields=["penalty", "days"], name="one_extension_per_limit")]

    def __str__(self) -> str:
        return f"{self.get_approval_display()}延长至立案之日起 {self.days} 日"


class InspectionMonthTally(models.Model):
    """Inspections and their findings per region, industry and month, kept by records.record
    (inspections/rollups.py) so the dashboard never counts a year of inspections per request."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    industry = models.ForeignKey(Industry, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    n = models.BigIntegerField(default=0)
    findings = models.BigIntegerField(default=0)

    objects = TallyQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "industry", "month"], name="inspection_tally_key")]
        indexes = [models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.region_id}/{self.industry_id}: {self.n}"
