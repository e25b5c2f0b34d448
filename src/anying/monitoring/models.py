"""监测预警 (issue #16; SEED B1–B2; docs/monitoring.md): major hazard installations first.

An `Installation` is one unit of an enterprise (生产单元 or 储存单元) with the hazardous chemicals it
may hold (`InstallationChemical`: designed maximum quantity). Its identification (S) and grade (R)
are computed by gb18218.py from the standard's tables whenever it is saved, and kept on the row
for lists, the map and the API; the figures it was computed from are kept on each line (Q, β).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from anying.core.scope import ScopedQuerySet
from anying.registry.models import Enterprise


class ByEnterprise(ScopedQuerySet):
    """An enterprise's installations: its own users, and the regulators of its region and industry."""
    scope_rule = "enterprise"
    scope_fields = {"region": "enterprise__region", "industry": "enterprise__industry",
                    "organisation": "enterprise__organisation"}


class Installation(models.Model):
    class Kind(models.TextChoices):
        PRODUCTION = "production", "生产单元"
        STORAGE = "storage", "储存单元"

    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="installations")
    name = models.CharField("单元名称", max_length=200, help_text="如：液氯储罐区、合成氨装置")
    kind = models.CharField("单元类型", max_length=12, choices=Kind.choices)
    people_within_500m = models.PositiveIntegerField("厂区边界外500m范围内常住人口", default=0,
                                                     help_text="用于确定暴露人员校正系数α（GB 18218-2018 表5）")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=10, decimal_places=6, null=True, blank=True)
    commissioned_on = models.DateField("投用日期", null=True, blank=True, help_text="投用满20年的装置单独列出（一装置一策）")
    filed_on = models.DateField("备案日期", null=True, blank=True)
    filing_number = models.CharField("备案编号", max_length=60, blank=True)
    assessed_on = models.DateField("最近安全评估日期", null=True, blank=True)
    retired_on = models.DateField("核销日期", null=True, blank=True)
    oil_gas_storage = models.BooleanField("油气储存", default=False, help_text="油气储存单元须具备四项系统")
    has_gas_detection = models.BooleanField("可燃有毒气体检测报警", default=False)
    has_video = models.BooleanField("视频监控", default=False)
    has_emergency_shutoff = models.BooleanField("紧急切断", default=False)
    has_lightning_warning = models.BooleanField("雷电预警", default=False)
    s_value = models.DecimalField("S（Σq/Q）", max_digits=14, decimal_places=4, default=0, editable=False)
    r_value = models.DecimalField("R（α·Σβq/Q）", max_digits=14, decimal_places=4, default=0, editable=False)
    is_major = models.BooleanField("构成重大危险源", default=False, editable=False, db_index=True)
    grade = models.PositiveSmallIntegerField("级别", null=True, blank=True, editable=False,
                                             choices=[(1, "一级"), (2, "二级"), (3, "三级"), (4, "四级")])
    version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = ByEnterprise.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "危险化学品重大危险源"
        ordering = ["enterprise_id", "name", "id"]
        indexes = [models.Index(fields=["is_major", "grade"])]

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.name}" if self.enterprise_id else self.name

    @property
    def four_systems_missing(self) -> list[str]:
        if not self.oil_gas_storage:
            return []
        return [label for field, label in (("has_gas_detection", "可燃有毒气体检测报警"), ("has_video", "视频监控"),
                                           ("has_emergency_shutoff", "紧急切断"), ("has_lightning_warning", "雷电预警"))
                if not getattr(self, field)]


class InstallationChemical(models.Model):
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="chemicals")
    chemical = models.CharField("危险化学品", max_length=120)
    table1_number = models.PositiveSmallIntegerField("表1序号", null=True, blank=True)
    category = models.CharField("危险性类别（表2符号）", max_length=8, blank=True)
    quantity = models.DecimalField("设计最大量（t）", max_digits=14, decimal_places=3)
    critical = models.DecimalField("临界量Q（t）", max_digits=12, decimal_places=3, editable=False)
    beta = models.DecimalField("校正系数β", max_digits=6, decimal_places=2, editable=False)
    beta_from = models.CharField("β依据", max_length=40, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "重大危险源危险化学品"
        ordering = ["installation_id", "id"]

    def __str__(self) -> str:
        return f"{self.chemical} {self.quantity}t"

from .models_baobao import DutyRecord, Guarantor  # noqa: E402,F401 — 包保责任人
from .models_sensors import Alarm, AlarmRule, ConfigStamp, Device, Sensor  # noqa: E402,F401
