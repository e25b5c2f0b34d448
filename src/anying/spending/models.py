"""安全生产费用 (issue #19 point 4; docs/spending.md).

A `Ledger` is one enterprise's year: the 办法's industry class it sets aside under, the base
(上一年度营业收入, 工程造价 or 原矿产量) and the amount required by the 提取标准 (reference.py),
the balance carried from the year before, and the running totals of its entries. An `Entry` is
one 提取 (set aside) or 使用 (spent, in a 使用范围 category, with its voucher attached). All
amounts are 元. The enterprise keeps its own ledger; its town and departments read it."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from anying.core.scope import ScopedQuerySet
from anying.registry.models import Enterprise

from . import reference


class LedgerQuerySet(ScopedQuerySet):
    scope_fields = {"region": "enterprise__region", "industry": "enterprise__industry",
                    "organisation": "enterprise__organisation"}


class Ledger(models.Model):
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    class_key = models.CharField("行业类别（办法）", max_length=24, choices=reference.class_choices())
    base = models.DecimalField("计提依据", max_digits=16, decimal_places=2,
                               help_text="上一年度营业收入或工程造价（元）；非煤矿山填原矿产量（吨）")
    required = models.DecimalField("应提取（元）", max_digits=14, decimal_places=2, default=0, editable=False)
    carried = models.DecimalField("上年结余（元）", max_digits=14, decimal_places=2, default=0)
    set_aside = models.DecimalField("已提取（元）", max_digits=14, decimal_places=2, default=0, editable=False)
    spent = models.DecimalField("已使用（元）", max_digits=14, decimal_places=2, default=0, editable=False)
    note = models.CharField("说明", max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "安全生产费用台账"
        ordering = ["-year", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="spending_ledger_once")]
        indexes = [models.Index(fields=["year", "enterprise"], name="spending_year_ent")]

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.year}年安全生产费用"

    @property
    def spec(self) -> reference.Class:
        return reference.classes()[self.class_key]

    @property
    def class_label(self) -> str:
        spec = reference.classes().get(self.class_key)
        return spec.label if spec else self.class_key

    @property
    def balance(self) -> Decimal:
        return self.carried + self.set_aside - self.spent

    @property
    def rate(self) -> Decimal | None:
        """已提取 ÷ 应提取, percent (None when nothing is required)."""
        return (self.set_aside * 100 / self.required).quantize(Decimal("0.1")) if self.required else None

    @property
    def spent_share(self) -> Decimal | None:
        """已使用 ÷ (上年结余 + 已提取), percent."""
        available = self.carried + self.set_aside
        return (self.spent * 100 / available).quantize(Decimal("0.1")) if available else None

    @property
    def under(self) -> bool:
        return self.set_aside < self.required


class EntryQuerySet(ScopedQuerySet):
    scope_fields = {"region": "ledger__enterprise__region", "industry": "ledger__enterprise__industry",
                    "organisation": "ledger__enterprise__organisation"}


class Entry(models.Model):
    class Kind(models.TextChoices):
        SET_ASIDE = "set_aside", "提取"
        SPEND = "spend", "使用"

    ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    on = models.DateField("日期")
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    category = models.CharField("使用类别", max_length=24, blank=True,
                                choices=[(c.code, c.label) for c in reference.categories().values()])
    description = models.CharField("摘要", max_length=200)
    voucher = models.CharField("凭证号", max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "安全生产费用明细"
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["ledger", "on"], name="spending_entry_on")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} 元（{self.on}）"

    @property
    def category_label(self) -> str:
        cat = reference.categories().get(self.category)
        return cat.label if cat else ""
