"""信用监管 (issue #19 point 6; docs/credit.md).

A `Listing` is one entry of the 安全生产严重失信主体名单 (联合惩戒“黑名单”): an enterprise of the
registry, or a person who answers for it (主要负责人 …, ID number kept and masked wherever
shown), listed on a ground of 应急管理部令第11号 (data/grounds.csv) with its reason, legal
basis, deciding unit and decision number; proposed, approved by someone else, published (the
public page and the 信用重庆 export), and removed at the end of its period or early when the
removal conditions are met (data/removal_conditions.csv).

A `PenaltyNotice` is the 行政处罚信息公示 of one decided `inspections.Penalty`: the public
fields frozen when it is published (a later correction of the case is published again), with
the date it was due (7 working days from the decision, data/rules.csv) so a late publication is
flagged."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from anying.core import masking
from anying.core.models import Organisation
from anying.core.scope import ScopedQuerySet
from anying.registry.models import Enterprise

from . import reference


class ByEnterprise(ScopedQuerySet):
    scope_fields = {"region": "enterprise__region", "industry": "enterprise__industry",
                    "organisation": "enterprise__organisation"}


class Listing(models.Model):
    class Subject(models.TextChoices):
        ENTERPRISE = "enterprise", "生产经营单位"
        PERSON = "person", "有关人员"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "拟列入（待审核）"
        APPROVED = "approved", "已决定列入（待公示）"
        PUBLISHED = "published", "已公示"
        REMOVED = "removed", "已移出"
        REJECTED = "rejected", "不予列入"

    class Removal(models.TextChoices):
        EXPIRED = "expired", "管理期满移出"
        EARLY = "early", "提前移出（信用修复）"

    number = models.CharField("编号", max_length=40, unique=True)
    subject = models.CharField("列入对象", max_length=10, choices=Subject.choices, default=Subject.ENTERPRISE)
    enterprise = models.ForeignKey(Enterprise, verbose_name="生产经营单位", on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField("人员姓名", max_length=40, blank=True)
    person_id_number = models.CharField("人员身份证号", max_length=18, blank=True)
    person_role = models.CharField("职务", max_length=40, blank=True, help_text="如：主要负责人、分管安全负责人")
    ground = models.CharField("列入情形", max_length=32, choices=[(g.key, g.label) for g in reference.grounds().values()])
    reason = models.TextField("失信事实")
    legal_basis = models.CharField("法律依据", max_length=500)
    penalty = models.ForeignKey("inspections.Penalty", verbose_name="行政处罚", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    decision_unit = models.ForeignKey(Organisation, verbose_name="作出决定的部门", on_delete=models.PROTECT,
                                      related_name="+")
    decision_number = models.CharField("列入决定书文号", max_length=60, blank=True)
    listed_on = models.DateField("列入日期", null=True, blank=True)
    period_end = models.DateField("管理期满", null=True, blank=True)
    published_on = models.DateField("公示日期", null=True, blank=True)
    removed_on = models.DateField("移出日期", null=True, blank=True)
    removal = models.CharField("移出方式", max_length=10, choices=Removal.choices, blank=True)
    removal_conditions = models.JSONField("已满足的提前移出条件", default=list, blank=True)
    removal_note = models.CharField("移出说明", max_length=500, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = ByEnterprise.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "严重失信主体名单"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "published_on"], name="credit_listing_public")]

    def __str__(self) -> str:
        return f"{self.number} {self.subject_name}"

    @property
    def subject_name(self) -> str:
        if self.subject == self.Subject.PERSON:
            return f"{self.person_name}（{self.enterprise.name}{self.person_role}）"
        return self.enterprise.name

    @property
    def public_name(self) -> str:
        """What the public page and the export show: a person's name masked, never the ID."""
        if self.subject == self.Subject.PERSON:
            return f"{masking.name(self.person_name)}（{self.enterprise.name}{self.person_role}）"
        return self.enterprise.name

    @property
    def id_masked(self) -> str:
        return masking.id_number(self.person_id_number) if self.person_id_number else ""

    @property
    def ground_label(self) -> str:
        g = reference.grounds().get(self.ground)
        return g.label if g else self.ground


class NoticeQuerySet(ScopedQuerySet):
    scope_fields = {"region": "penalty__region", "industry": "penalty__industry",
                    "organisation": "penalty__organisation"}


class PenaltyNotice(models.Model):
    penalty = models.OneToOneField("inspections.Penalty", on_delete=models.PROTECT, related_name="credit_notice")
    due_by = models.DateField("应公示日期")
    published_on = models.DateField("公示日期", db_index=True)
    publish_until = models.DateField("公示截止期")
    # the public fields at publication (行政处罚信息公示, data/penalty_layout.csv)
    party_name = models.CharField("行政相对人名称", max_length=100)
    party_kind = models.CharField("行政相对人类别", max_length=20)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    decision_number = models.CharField("行政处罚决定书文号", max_length=60, blank=True)
    violation_type = models.CharField("违法行为类型", max_length=200)
    facts = models.TextField("违法事实")
    basis = models.TextField("处罚依据")
    category = models.CharField("处罚类别", max_length=40, default="罚款")
    content = models.CharField("处罚内容", max_length=300)
    amount = models.DecimalField("罚款金额（元）", max_digits=12, decimal_places=2)
    decided_on = models.DateField("处罚决定日期")
    unit_name = models.CharField("处罚机关", max_length=200)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "行政处罚信息公示"
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["-published_on", "-id"], name="credit_notice_order")]

    def __str__(self) -> str:
        return f"{self.party_name} {self.decision_number}"

    @property
    def late(self) -> bool:
        return self.published_on > self.due_by
