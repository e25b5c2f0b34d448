"""12350 tip-offs (群众举报, PRODUCT.md §4.3): the tip, its timeline, its links to what it led
to, and the reward. The reporter's identity and contact sit on the tip itself, shown only to
roles with `tips.view_contact`; the public status page reads only public timeline entries (core.TimelineEvent.public),
the official reply and the reward."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone

from anying.core import amounts
from anying.core.models import Industry, Organisation, Region
from anying.core.scope import ScopedQuerySet
from anying.registry.models import Enterprise


class TipRules(models.Model):
    """Deadlines and reward rates of one jurisdiction. The row without a region is the default
    (data/tip_rules.csv, cited); a district or city that pays otherwise adds its own row, and a
    tip follows the row of the nearest region above it."""

    region = models.OneToOneField(Region, verbose_name="适用区划", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", help_text="留空为默认规则")
    verify_days = models.PositiveIntegerField("核查期限（日）")
    reply_days = models.PositiveIntegerField("答复期限（日）")
    reward_rate = models.DecimalField("罚款奖励比例", max_digits=5, decimal_places=4)
    reward_min = models.DecimalField("最低奖励（元）", max_digits=12, decimal_places=2)
    reward_max = models.DecimalField("最高奖励（元）", max_digits=12, decimal_places=2)
    death_general = models.DecimalField("一般事故每名死亡（元）", max_digits=12, decimal_places=2)
    death_larger = models.DecimalField("较大事故每名死亡（元）", max_digits=12, decimal_places=2)
    death_major = models.DecimalField("重大事故每名死亡（元）", max_digits=12, decimal_places=2)
    death_especially = models.DecimalField("特别重大事故每名死亡（元）", max_digits=12, decimal_places=2)
    death_max = models.DecimalField("瞒报谎报事故最高奖励（元）", max_digits=12, decimal_places=2)
    source = models.CharField("依据", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "举报处理与奖励规则"

    def __str__(self) -> str:
        return f"{self.region or '默认'} 举报规则"


class TipQuerySet(ScopedQuerySet):
    """Who sees which tip (core/scope.py): an enterprise never, not even about itself (the
    reporter must stay protected); the 12350 desk (tips.assign) every tip of its territory,
    whatever the industry, because it dispatches them before anyone knows the industry; other
    government users with tips.view the tips of their scope and those assigned to their unit."""

    scope_fields = {"region": "region", "industry": "industry", "organisation": None, "perm": "tips.view",
                    "assigned": "unit", "all_industries_perm": "tips.assign"}


class Tip(models.Model):
    class Category(models.TextChoices):
        MAJOR_HAZARD = "major_hazard", "重大事故隐患"
        ILLEGAL = "illegal", "非法违法生产经营建设"
        CONCEALED = "concealed", "瞒报谎报生产安全事故"
        HAZARD = "hazard", "一般事故隐患"
        OTHER = "other", "其他安全生产违法行为"

    class Status(models.TextChoices):
        RECEIVED = "received", "已受理"
        ASSIGNED = "assigned", "已交办"
        VERIFYING = "verifying", "核查中"
        SUBSTANTIATED = "substantiated", "属实"
        UNSUBSTANTIATED = "unsubstantiated", "不属实"
        REPLIED = "replied", "已答复"
        CLOSED = "closed", "已办结"

    class Source(models.TextChoices):
        WEB = "web", "网上举报"
        PHONE = "phone", "12350 电话"
        LETTER = "letter", "来信来访"

    code = models.CharField("举报编号", max_length=9, unique=True, editable=False)
    pin_hash = models.CharField(max_length=128, editable=False)
    source = models.CharField("受理渠道", max_length=8, choices=Source.choices, default=Source.WEB)
    category = models.CharField("举报类别", max_length=16, choices=Category.choices)
    description = models.TextField("举报内容")
    place = models.CharField("地点", max_length=200)
    region = models.ForeignKey(Region, verbose_name="所在镇街", on_delete=models.PROTECT, related_name="+")
    industry = models.ForeignKey(Industry, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 editable=False)
    enterprise = models.ForeignKey(Enterprise, verbose_name="被举报单位", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="tips")
    enterprise_text = models.CharField("被举报单位（举报人填写）", max_length=200, blank=True)
    happened_at = models.DateTimeField("发生或发现时间", null=True, blank=True)
    anonymous = models.BooleanField("匿名举报", default=True)
    reporter_name = models.CharField("举报人姓名", max_length=50, blank=True)
    reporter_phone = models.CharField("举报人电话", max_length=20, blank=True)

    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    received_at = models.DateTimeField("受理时间", default=timezone.now)
    suggested_unit = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", editable=False)
    unit = models.ForeignKey(Organisation, verbose_name="承办单位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="tips")
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    verify_due = models.DateField("核查期限")
    reply_due = models.DateField("答复期限")
    substantiated = models.BooleanField("核查结论", null=True, blank=True)
    findings = models.TextField("核查情况（内部）", blank=True)
    reply = models.TextField("答复意见", blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    days_to_reply = models.PositiveIntegerField("答复用时（日）", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    is_demo = models.BooleanField(default=False, editable=False)

    hazards = models.ManyToManyField("hazards.Hazard", blank=True, related_name="tips")
    inspections = models.ManyToManyField("inspections.Inspection", blank=True, related_name="tips")
    penalties = models.ManyToManyField("inspections.Penalty", blank=True, related_name="tips")

    objects = TipQuerySet.as_manager()

    events = GenericRelation("core.TimelineEvent")  # the timeline (core.workflow)

    class Meta:
        verbose_name = verbose_name_plural = "群众举报"
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["region", "status"]), models.Index(fields=["unit", "status"]),
                   models.Index(fields=["status", "verify_due"]), models.Index(fields=["status", "reply_due"]),
                   models.Index(fields=["-received_at", "-id"], name="tip_received_desc")]

    def __str__(self) -> str:
        from .codes import display

        return f"举报 {display(self.code)}"

    @property
    def display_code(self) -> str:
        from .codes import display

        return display(self.code)

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def verify_overdue(self) -> bool:
        from .workflow import OPEN_FOR_VERIFY

        return self.status in OPEN_FOR_VERIFY and self.verify_due < timezone.localdate()

    @property
    def reply_overdue(self) -> bool:
        from .workflow import OPEN_FOR_REPLY

        return self.status in OPEN_FOR_REPLY and self.reply_due < timezone.localdate()


class Reward(models.Model):
    """举报奖励 (安监总财〔2018〕19号): computed from the linked penalties or the concealed deaths
    under the rules of the tip's jurisdiction (frozen in `rule`), approved by someone other than
    the proposer, then paid."""

    class Basis(models.TextChoices):
        FINE = "fine", "重大事故隐患、违法生产经营（按罚款）"
        DEATHS = "deaths", "瞒报谎报事故（按死亡人数）"

    class Grade(models.TextChoices):
        GENERAL = "general", "一般事故"
        LARGER = "larger", "较大事故"
        MAJOR = "major", "重大事故"
        ESPECIALLY = "especially", "特别重大事故"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "不予奖励"
        PAID = "paid", "已发放"

    tip = models.OneToOneField(Tip, on_delete=models.PROTECT, related_name="reward")
    basis = models.CharField("奖励依据", max_length=8, choices=Basis.choices)
    fines = models.DecimalField("罚款合计（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    grade = models.CharField("事故等级", max_length=12, choices=Grade.choices, blank=True)
    deaths = models.PositiveIntegerField("查实瞒报谎报死亡人数", null=True, blank=True)
    amount = models.DecimalField("奖励金额（元）", max_digits=12, decimal_places=2)
    rule = models.JSONField("计算规则", help_text="计算时适用的规则")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=200, blank=True)
    paid_on = models.DateField("发放日期", null=True, blank=True)
    paid_amount = models.DecimalField("发放金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    payment_ref = models.CharField("发放凭证号", max_length=60, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "举报奖励"

    def __str__(self) -> str:
        return f"{self.tip} 奖励 {amounts.yuan(self.amount)}"
