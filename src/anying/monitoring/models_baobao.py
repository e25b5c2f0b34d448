"""包保责任人 and their duty records (issue #16; seed 001「实行重大危险源三个包保责任人履职记录线上录入管理」;
docs/monitoring.md "包保责任人").

Every major hazard installation has three responsible persons — 主要负责人, 技术负责人, 操作负责人
(《危险化学品企业重大危险源安全包保责任制办法（试行）》第三条). A `Guarantor` is one person in one of
those three (`kind`, as the registry's 三个责任人) for a period (`since` to `until`): a change of person closes the current row and opens
a new one, so the history stays; exactly one row per (installation, kind) is current (`until` empty).

A `DutyRecord` is one 履职 of a guarantor: the day, what was checked (text and the duty clauses of
the kind it covered), the problems found and the hazards registered from them. The installation
and kind are copied onto the record, so the rules (monitoring/baobao.py) count a kind's records
over time whoever held it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from anying.core.scope import ScopedQuerySet

from .models import Installation


class ByInstallation(ScopedQuerySet):
    """A guarantor or duty record: the installation's enterprise's own users and its regulators."""
    scope_rule = "enterprise"
    scope_fields = {"region": "installation__enterprise__region", "industry": "installation__enterprise__industry",
                    "organisation": "installation__enterprise__organisation"}

    def current(self):
        return self.filter(until__isnull=True)


class Kind(models.TextChoices):
    PRINCIPAL = "principal", "主要负责人"
    TECHNICAL = "technical", "技术负责人"
    OPERATIONAL = "operational", "操作负责人"


KIND_ORDER = {kind: n for n, kind in enumerate(Kind.values)}


class Guarantor(models.Model):
    Kind = Kind

    installation = models.ForeignKey(Installation, verbose_name="重大危险源", on_delete=models.PROTECT,
                                     related_name="guarantors")
    kind = models.CharField("包保职责", max_length=12, choices=Kind.choices)
    name = models.CharField("姓名", max_length=50)
    position = models.CharField("职务", max_length=60, blank=True)
    phone = models.CharField("联系电话", max_length=30)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="本人账号", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+",
                             help_text="本企业用户；绑定后履职记录只能由本人录入")
    since = models.DateField("任职日期")
    until = models.DateField("卸任日期", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = ByInstallation.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "重大危险源包保责任人"
        ordering = ["installation_id", "kind", "-since", "-id"]
        constraints = [models.UniqueConstraint(fields=["installation", "kind"], condition=models.Q(until__isnull=True),
                                               name="one_current_guarantor_per_kind")]
        indexes = [models.Index(fields=["installation", "kind", "until"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


class DutyRecord(models.Model):
    class Result(models.TextChoices):
        NORMAL = "normal", "未发现问题"
        PROBLEMS = "problems", "发现问题"

    guarantor = models.ForeignKey(Guarantor, verbose_name="包保责任人", on_delete=models.PROTECT,
                                  related_name="records")
    installation = models.ForeignKey(Installation, on_delete=models.PROTECT, related_name="duty_records",
                                     editable=False)
    kind = models.CharField("包保职责", max_length=12, choices=Kind.choices, editable=False)
    done_on = models.DateField("履职日期")
    checked = models.TextField("检查内容", help_text="检查了哪些部位、设施、制度和作业")
    items = models.JSONField("对照职责", default=list, blank=True,
                             help_text="本次履职覆盖的包保职责条款（办法第四、五条）")
    result = models.CharField("履职结论", max_length=10, choices=Result.choices, default=Result.NORMAL)
    problems = models.TextField("发现的问题", blank=True)
    hazards = models.ManyToManyField("hazards.Hazard", blank=True, related_name="duty_records",
                                     verbose_name="登记的隐患")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = ByInstallation.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "包保责任人履职记录"
        ordering = ["-done_on", "-id"]
        indexes = [models.Index(fields=["installation", "kind", "done_on"]),
                   models.Index(fields=["kind", "done_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}履职 {self.done_on:%Y-%m-%d}"
