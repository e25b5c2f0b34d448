"""特殊作业票 (GB 30871-2022): one permit per job of one of the eight kinds, at its level, with the
hazards found, the safety measures confirmed, the guardian, the workers (contractors' included),
the gas analyses before and during the work, the approvals and the closing acceptance. The rules
(validity, approvals, gas limits) are data (permits/rules.py)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from anying.core.scope import ScopedQuerySet
from anying.registry.models import Enterprise

from . import rules


class ByEnterprise(ScopedQuerySet):
    """An enterprise's permits: its own accounts, and the regulators of its region and industry."""
    scope_rule = "enterprise"
    scope_fields = {"region": "enterprise__region", "industry": "enterprise__industry",
                    "organisation": "enterprise__organisation"}


class ByPermit(ScopedQuerySet):
    scope_rule = "enterprise"
    scope_fields = {"region": "permit__enterprise__region", "industry": "permit__enterprise__industry",
                    "organisation": "permit__enterprise__organisation"}


class Permit(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "待审批"
        APPROVED = "approved", "已批准"
        IN_PROGRESS = "in_progress", "作业中"
        SUSPENDED = "suspended", "作业中断"
        CLOSED = "closed", "已完工验收"
        CANCELLED = "cancelled", "已取消"

    OPEN = (Status.IN_PROGRESS, Status.SUSPENDED)  # 正在作业
    LIVE = (Status.DRAFT, Status.APPROVED, Status.IN_PROGRESS, Status.SUSPENDED)

    enterprise = models.ForeignKey(Enterprise, verbose_name="作业单位（企业）", on_delete=models.PROTECT,
                                   related_name="permits")
    number = models.CharField("作业票编号", max_length=80, unique=True)
    kind = models.CharField("作业类别", max_length=16, choices=rules.kind_choices())
    level = models.CharField("作业级别", max_length=8, blank=True, choices=rules.level_choices())
    place = models.CharField("作业地点", max_length=120)
    content = models.CharField("作业内容", max_length=300)
    hazards = models.TextField("危害辨识", help_text="作业中可能存在的危险有害因素")
    details = models.JSONField("作业类别要求的信息", default=dict, blank=True)
    measures = models.JSONField("已确认的安全措施", default=list, blank=True)
    measures_other = models.CharField("其他安全措施", max_length=300, blank=True)
    measures_confirmed = models.BooleanField("安全措施已确认", default=False)
    applicant_name = models.CharField("作业申请人", max_length=40)
    leader_name = models.CharField("作业负责人", max_length=40)
    guardian_name = models.CharField("监护人", max_length=40, blank=True)
    guardian_cert = models.CharField("监护人证书/培训编号", max_length=40, blank=True)
    valid_from = models.DateTimeField("计划开始")
    valid_until = models.DateTimeField("有效期至", help_text="计划结束与本级别有效期上限中较早者")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    started_at = models.DateTimeField("开始作业", null=True, blank=True)
    suspended_at = models.DateTimeField("中断时间", null=True, blank=True)
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    closed_at = models.DateTimeField("完工验收时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="验收人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    expired = models.BooleanField("超过有效期未关闭", default=False, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请账号", null=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField("填报时间", default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = ByEnterprise.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "特殊作业票"
        ordering = ["-valid_from", "-id"]
        indexes = [models.Index(fields=["status", "-valid_from"], name="permit_status_from"),
                   models.Index(fields=["enterprise", "-valid_from"], name="permit_ent_from"),
                   # the 正在作业 list of a department: PostgreSQL walks its enterprises and asks each
                   # for its open permits (bench/run_permits.py)
                   models.Index(fields=["enterprise", "status"], name="permit_ent_status"),
                   models.Index(fields=["-valid_from", "-id"], name="permit_from_id")]

    def __str__(self) -> str:
        return self.number

    @property
    def kind_info(self) -> rules.Kind:
        return rules.kinds()[self.kind]

    @property
    def level_info(self) -> rules.Level | None:
        return rules.level(self.kind, self.level)

    @property
    def title(self) -> str:
        lv = self.level_info
        return lv.name if lv else self.kind_info.name

    @property
    def gas_rule(self) -> rules.GasRule | None:
        return rules.gas_rule(self.kind, self.level)

    def is_valid_at(self, when) -> bool:
        """Within the permit's validity: from the planned start to the end, both included."""
        return self.valid_from <= when <= self.valid_until


class Worker(models.Model):
    """A person doing the work under the permit; a contractor's worker names the company."""
    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="workers")
    name = models.CharField("姓名", max_length=40)
    company = models.CharField("所属单位", max_length=100, help_text="本企业员工填写本企业；承包商填写承包商名称")
    contractor = models.BooleanField("承包商人员", default=False)
    certificate = models.CharField("特种作业证书编号", max_length=40, blank=True)
    trade = models.CharField("工种", max_length=40, blank=True)

    objects = ByPermit.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "作业人员"
        ordering = ["permit", "id"]

    def __str__(self) -> str:
        return self.name


class GasAnalysis(models.Model):
    """One gas analysis: when and where it was taken, by whom, the values per substance and
    whether every value was within its limit (rules.substances)."""

    class Phase(models.TextChoices):
        BEFORE = "before", "作业前"
        DURING = "during", "作业中"
        RESUME = "resume", "中断后复测"

    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="analyses")
    taken_at = models.DateTimeField("取样时间")
    phase = models.CharField("阶段", max_length=8, choices=Phase.choices)
    point = models.CharField("分析部位", max_length=100)
    analyst = models.CharField("分析人", max_length=40)
    enriched = models.BooleanField("富氧环境", default=False)
    readings = models.JSONField("检测结果", default=dict)  # {substance code: "value"}
    passed = models.BooleanField("合格", default=False)
    failures = models.CharField("不合格项", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ByPermit.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "气体分析"
        ordering = ["permit", "taken_at", "id"]
        indexes = [models.Index(fields=["permit", "-taken_at"], name="gas_permit_taken")]

    def __str__(self) -> str:
        return f"{self.permit_id} {self.taken_at:%Y-%m-%d %H:%M}"

    def rows(self) -> list[tuple]:
        subs = rules.substances()
        return [(subs[c].name, v, subs[c].unit, subs[c].limit_text(self.enriched),
                 subs[c].passes(Decimal(v), self.enriched))
                for c, v in self.readings.items() if c in subs]


class Approval(models.Model):
    """One approver's signature; a level needing two (特级) has two rows from two accounts."""
    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="approvals")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField("审批人职务", max_length=40)
    opinion = models.CharField("审批意见", max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    objects = ByPermit.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "作业票审批"
        ordering = ["permit", "at", "id"]
        constraints = [models.UniqueConstraint(fields=["permit", "approver"], name="one_approval_per_person")]

    def __str__(self) -> str:
        return f"{self.permit_id} {self.title}"
