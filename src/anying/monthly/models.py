"""企业月报 (issue #19 point 1; SEED-REQUIREMENTS F1; PRODUCT.md §4): each month an enterprise
confirms last month's report by the 5th. The report is compiled from its records by the blocks
the apps register (core.hooks.MONTHLY_SOURCES) — never typed in — and frozen when confirmed:
`figures` keeps {block: {figure: value}} and `details` the records behind them, as they were."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from anying.core.models import Industry, Organisation, Region
from anying.core.scope import ScopedQuerySet
from anying.registry.models import Enterprise


class ReportQuerySet(ScopedQuerySet):
    scope_rule = "enterprise"


class MonthlyReport(models.Model):
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="monthly_reports")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="+", editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    month = models.DateField("月份")  # the first day
    figures = models.JSONField("汇总数据", default=dict)
    details = models.JSONField("明细", default=dict)
    note = models.TextField("企业说明", blank=True)
    due_on = models.DateField("报送期限")
    confirmed_at = models.DateTimeField("确认时间", default=timezone.now)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    late = models.BooleanField("逾期确认", default=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "企业月报"
        ordering = ["-month", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "month"], name="monthly_one_per_enterprise")]
        indexes = [models.Index(fields=["month", "region"])]

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.month:%Y年%m月}月报"


class LateNotice(models.Model):
    """The clock told a town which enterprises had not confirmed a month's report (once per town
    and month: the tick is idempotent)."""

    town = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    flagged_at = models.DateTimeField(default=timezone.now)
    missing = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["town", "month"], name="monthly_late_once")]

    def __str__(self) -> str:
        return f"{self.town_id} {self.month:%Y-%m}: {self.missing}"
