"""停复产 (issue #19 point 5; SEED-REQUIREMENTS F5): a stoppage order — from a penalty, an accident
(a mine: 3 months after a 一般 accident, 6 months and closure after a 较大 one), a warning, a major
hazard or otherwise — then the enterprise's restart application, the acceptance check and the
restart; or closure. The enterprise's 经营状态 follows (registry.Enterprise.status)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from anying.core.models import Industry, Organisation, Region
from anying.core.scope import ScopedQuerySet
from anying.registry.models import Enterprise


class StoppageQuerySet(ScopedQuerySet):
    scope_rule = "enterprise"

    def open(self):
        return self.filter(status__in=OPEN)


class Stoppage(models.Model):
    class Source(models.TextChoices):
        PENALTY = "penalty", "行政处罚（责令停产停业）"
        ACCIDENT = "accident", "生产安全事故"
        HAZARD = "hazard", "重大事故隐患（责令停产停业整顿）"
        WARNING = "warning", "预警（停工停产避险）"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        ORDERED = "ordered", "停产整顿中"
        APPLIED = "applied", "已申请复产"
        ACCEPTED = "accepted", "验收合格"
        RESTARTED = "restarted", "已复产"
        CLOSED = "closed", "已关闭"

    number = models.CharField("指令编号", max_length=60, unique=True, editable=False)
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="stoppages")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="+", editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    unit = models.ForeignKey(Organisation, verbose_name="下达单位", on_delete=models.PROTECT, related_name="+")
    source = models.CharField("停产原因类别", max_length=10, choices=Source.choices)
    penalty = models.ForeignKey("inspections.Penalty", verbose_name="行政处罚", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    accident = models.ForeignKey("oversight.Accident", verbose_name="生产安全事故", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    hazard = models.ForeignKey("hazards.Hazard", verbose_name="重大事故隐患", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    warning = models.ForeignKey("warning.Warning", verbose_name="预警", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey("campaigns.Campaign", verbose_name="专项行动", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="stoppages")
    reason = models.TextField("停产整顿事由")
    legal_basis = models.CharField("依据", max_length=300)
    requirements = models.TextField("整改要求", blank=True)
    ordered_on = models.DateField("下达日期")
    earliest_restart = models.DateField("最早复产日期", null=True, blank=True,
                                        help_text="矿山事故：一般事故停产3个月，较大事故停产6个月（001）")
    closure_required = models.BooleanField("须实施关闭程序", default=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ORDERED, db_index=True)
    previous_status = models.CharField(max_length=10, editable=False, default="")  # the enterprise's, to restore
    report = models.TextField("整改报告", blank=True)
    applied_on = models.DateField("申请复产日期", null=True, blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    checked_on = models.DateField("验收日期", null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    check_team = models.CharField("验收组成员", max_length=200, blank=True)
    restarted_on = models.DateField("复产日期", null=True, blank=True)
    closed_on = models.DateField("关闭日期", null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = StoppageQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "停产整顿"
        ordering = ["-ordered_on", "-id"]
        indexes = [models.Index(fields=["region", "status"]), models.Index(fields=["-ordered_on", "-id"], name="stoppage_ordered_desc")]

    def __str__(self) -> str:
        return f"{self.number} {self.enterprise.name}"


OPEN = [Stoppage.Status.ORDERED, Stoppage.Status.APPLIED, Stoppage.Status.ACCEPTED]
