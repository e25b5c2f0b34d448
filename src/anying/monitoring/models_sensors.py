"""Sensors, the devices that send their readings, alarm rules and alarms (issue #16 points 3–5).

A `Device` is a gateway or data logger of an enterprise: it authenticates with a token (only its
SHA-256 is stored) and may send readings for any sensor of its enterprise, named by the sensor's
`code` (the tag in the plant's control system, e.g. "LT-101"). A `Sensor` measures one quantity at
one installation; its four thresholds (LL < L < H < HH) give the standard threshold rules, and
further rules (sustained breach, N in a row, rate of change, no data) are `AlarmRule` rows.

Readings themselves are not ORM-managed rows: see timeseries.py (a table partitioned by day on
PostgreSQL, minute and hour aggregates).

An `Alarm` is one (sensor, rule) breach: while it is active a repeat only updates it (count,
last and peak value) — a partial unique constraint makes a second active alarm impossible even
when two ingest processes race. Its lifecycle (alarms.py) runs triggered → acknowledged →
handled by the enterprise → 消警 confirmed by the supervising town or department.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from anying.core.scope import ScopedQuerySet
from anying.registry.models import Enterprise

from .models import ByEnterprise, Installation


class Device(models.Model):
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="devices")
    name = models.CharField("设备名称", max_length=100, help_text="如：罐区数据采集网关")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_hint = models.CharField("令牌末四位", max_length=4, editable=False)
    is_active = models.BooleanField("启用", default=True)
    last_seen_at = models.DateTimeField("最近上报", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = ByEnterprise.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "采集设备"
        ordering = ["enterprise_id", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Sensor(models.Model):
    class Kind(models.TextChoices):
        LEVEL = "level", "液位"
        TEMPERATURE = "temperature", "温度"
        PRESSURE = "pressure", "压力"
        FLOW = "flow", "流量"
        FLAMMABLE_GAS = "flammable_gas", "可燃气体"
        TOXIC_GAS = "toxic_gas", "有毒气体"
        OTHER = "other", "其他"

    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="sensors",
                                   editable=False)
    installation = models.ForeignKey(Installation, verbose_name="重大危险源/单元", on_delete=models.PROTECT,
                                     related_name="sensors")
    code = models.CharField("位号", max_length=60, help_text="设备上报时使用的编号（如 LT-101），企业内唯一")
    name = models.CharField("名称", max_length=100, help_text="如：1#液氨储罐液位")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    unit = models.CharField("单位", max_length=16, help_text="如：m、℃、MPa、%LEL、ppm")
    range_low = models.FloatField("量程下限")
    range_high = models.FloatField("量程上限")
    low_low = models.FloatField("低低报", null=True, blank=True)
    low = models.FloatField("低报", null=True, blank=True)
    high = models.FloatField("高报", null=True, blank=True)
    high_high = models.FloatField("高高报", null=True, blank=True)
    interval_seconds = models.PositiveIntegerField("上报周期（秒）", default=60)
    offline_after = models.PositiveSmallIntegerField("离线判定（周期数）", default=3,
                                                     help_text="连续这么多个上报周期没有数据即判为离线")
    is_active = models.BooleanField("启用", default=True)
    # What the last batch said (ingest.py keeps these; offline detection reads them)
    last_at = models.DateTimeField("最近读数时间", null=True, blank=True, editable=False)
    last_value = models.FloatField("最近读数", null=True, blank=True, editable=False)
    offline_since = models.DateTimeField("离线起", null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = ByEnterprise.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "监测点位"
        ordering = ["installation_id", "code", "id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "code"], name="monitoring_sensor_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def thresholds(self) -> list[tuple[str, float]]:
        return [(b, getattr(self, f)) for b, f in BOUND_FIELDS.items() if getattr(self, f) is not None]


BOUND_FIELDS = {"LL": "low_low", "L": "low", "H": "high", "HH": "high_high"}
BOUND_LABELS = {"LL": "低低报", "L": "低报", "H": "高报", "HH": "高高报"}


class AlarmRule(models.Model):
    class Kind(models.TextChoices):
        THRESHOLD = "threshold", "超限"
        SUSTAINED = "sustained", "持续超限"
        REPEAT = "repeat", "连续超限"
        RATE = "rate", "变化速率"
        OFFLINE = "offline", "离线"

    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField("规则类型", max_length=12, choices=Kind.choices)
    bound = models.CharField("限值", max_length=2, blank=True, choices=list(BOUND_LABELS.items()),
                             help_text="超限类规则比较的阈值")
    seconds = models.PositiveIntegerField("持续秒数", null=True, blank=True)
    count = models.PositiveSmallIntegerField("连续次数", null=True, blank=True)
    rate_per_minute = models.FloatField("每分钟变化量", null=True, blank=True)
    level = models.PositiveSmallIntegerField("报警级别", default=2)
    is_standard = models.BooleanField("由阈值自动生成", default=False, editable=False)
    is_active = models.BooleanField("启用", default=True)
    # The breach run a sustained or N-in-a-row rule is watching (device time); written only while
    # readings breach, so a quiet sensor costs no writes.
    run_since = models.DateTimeField(null=True, blank=True, editable=False)
    run_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "报警规则"
        ordering = ["sensor_id", "level", "id"]

    def __str__(self) -> str:
        return describe_rule(self)


def describe_rule(rule: AlarmRule, unit: str = "") -> str:
    bound = BOUND_LABELS.get(rule.bound, "")
    if rule.kind == AlarmRule.Kind.THRESHOLD:
        return f"超{bound}"
    if rule.kind == AlarmRule.Kind.SUSTAINED:
        return f"超{bound}持续{rule.seconds}秒"
    if rule.kind == AlarmRule.Kind.REPEAT:
        return f"连续{rule.count}次超{bound}"
    if rule.kind == AlarmRule.Kind.RATE:
        return f"变化速率超过每分钟{rule.rate_per_minute:g}{unit}"
    return "数据中断（离线）"


class AlarmQuerySet(ScopedQuerySet):
    scope_rule = "enterprise"
    scope_fields = ByEnterprise.scope_fields


class Alarm(models.Model):
    class Status(models.TextChoices):
        TRIGGERED = "triggered", "待确认"
        ACKNOWLEDGED = "acknowledged", "处置中"
        HANDLED = "handled", "待消警"
        CLEARED = "cleared", "已消警"

    class Cause(models.TextChoices):
        REAL = "real", "真实报警"
        FALSE = "false", "误报"

    class FalseKind(models.TextChoices):
        DEVICE = "device", "仪表故障"
        CALIBRATION = "calibration", "标定偏差"
        COMMUNICATION = "communication", "通讯中断或干扰"
        MAINTENANCE = "maintenance", "检维修作业"
        THRESHOLD = "threshold", "阈值设置不当"
        OTHER = "other", "其他"

    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="alarms")
    installation = models.ForeignKey(Installation, verbose_name="重大危险源/单元", on_delete=models.PROTECT,
                                     related_name="alarms")
    sensor = models.ForeignKey(Sensor, verbose_name="监测点位", on_delete=models.PROTECT, related_name="alarms")
    rule = models.ForeignKey(AlarmRule, verbose_name="规则", on_delete=models.PROTECT, related_name="alarms")
    kind = models.CharField("报警类型", max_length=12, choices=AlarmRule.Kind.choices)
    description = models.CharField("报警内容", max_length=200)
    level = models.PositiveSmallIntegerField("级别", db_index=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.TRIGGERED)
    is_active = models.BooleanField(default=True, editable=False)
    first_at = models.DateTimeField("首次报警（设备时间）")
    last_at = models.DateTimeField("最近报警（设备时间）")
    raised_at = models.DateTimeField("系统生成时间", default=timezone.now)
    first_value = models.FloatField("报警值", null=True, blank=True)
    last_value = models.FloatField("最近值", null=True, blank=True)
    peak_value = models.FloatField("极值", null=True, blank=True)
    threshold = models.FloatField("阈值", null=True, blank=True)
    count = models.PositiveIntegerField("报警次数", default=1)
    recovered_at = models.DateTimeField("恢复正常（设备时间）", null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    cause = models.CharField("性质", max_length=8, blank=True, choices=Cause.choices)
    false_kind = models.CharField("误报类型", max_length=16, blank=True, choices=FalseKind.choices)
    reason = models.TextField("原因", blank=True)
    measures = models.TextField("处置措施", blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处置人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    handled_at = models.DateTimeField("处置反馈时间", null=True, blank=True)
    cleared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="消警人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    cleared_at = models.DateTimeField("消警时间", null=True, blank=True)
    escalation = models.PositiveSmallIntegerField("已升级到", default=0, editable=False,
                                                  help_text="0 企业包保人；1 镇街值班；2 区值班带班领导")
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    incident = models.ForeignKey("incidents.Incident", verbose_name="转接报事件", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+", editable=False)
    hazard = models.ForeignKey("hazards.Hazard", verbose_name="转隐患", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+", editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = AlarmQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "监测报警"
        ordering = ["-raised_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["sensor", "rule"], condition=Q(is_active=True),
                                               name="monitoring_alarm_one_active")]
        indexes = [models.Index(fields=["is_active", "status", "level"]),
                   models.Index(fields=["enterprise", "raised_at"])]

    def __str__(self) -> str:
        return f"{self.number} {self.description}"

    @property
    def number(self) -> str:
        return f"BJ{self.pk:07d}" if self.pk else ""


class ConfigStamp(models.Model):
    """One row whose value changes (at random) with every change to sensors, rules or devices:
    each ingest process keeps its cache until the value moves (one indexed read per batch
    instead of reloading the configuration)."""
    counter = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "监测配置版本"

    def __str__(self) -> str:
        return str(self.counter)
