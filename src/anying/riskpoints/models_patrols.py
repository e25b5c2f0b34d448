"""Patrols of natural-hazard points (B4.6, B3.8): the 日周月 schedules on core.routine (村日巡查,
镇街周检查, 区级月抽查), the 雨前排查 / 雨中巡查 / 雨后核查 created per point when a rain warning is
issued, and the problems they find, each carried to 销号 (services_patrols.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from anying.core.routine import RoutineSchedule
from anying.core.scope import ScopedQuerySet


class ByPoint(ScopedQuerySet):
    scope_rule = "area"
    scope_fields = {"region": "point__region"}


class Tier(models.TextChoices):
    VILLAGE = "village", "村（社区）日巡查"
    TOWN = "town", "镇街周检查"
    DISTRICT = "district", "区级部门月抽查"


class PatrolSchedule(RoutineSchedule):
    point = models.ForeignKey("riskpoints.DisasterRiskPoint", verbose_name="风险点", on_delete=models.CASCADE,
                              related_name="patrol_schedules")
    tier = models.CharField("层级", max_length=10, choices=Tier.choices)
    name = models.CharField("巡查名称", max_length=60)
    assignee = models.CharField("巡查责任人", max_length=60, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ByPoint.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "风险点日周月巡查计划"
        ordering = ["point", "frequency", "id"]
        constraints = [models.UniqueConstraint(fields=["point", "tier"], condition=models.Q(active=True),
                                               name="one_active_patrol_per_tier")]

    def __str__(self) -> str:
        return f"{self.point} · {self.name}"


class PatrolRound(models.Model):
    schedule = models.ForeignKey(PatrolSchedule, on_delete=models.CASCADE, related_name="rounds")
    point = models.ForeignKey("riskpoints.DisasterRiskPoint", on_delete=models.CASCADE, related_name="+",
                              editable=False)
    period_start = models.DateField("巡查周期")
    done_on = models.DateField("巡查日期")
    inspectors = models.CharField("巡查人员", max_length=100)
    problem = models.BooleanField("发现问题", default=False)
    note = models.TextField("巡查情况", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ByPoint.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "风险点巡查记录"
        ordering = ["-done_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["schedule", "period_start"], name="one_patrol_per_period")]

    def __str__(self) -> str:
        return f"{self.schedule} {self.done_on}"


class RainCheck(models.Model):
    class Phase(models.TextChoices):
        BEFORE = "before", "雨前排查"
        DURING = "during", "雨中巡查"
        AFTER = "after", "雨后核查"

    point = models.ForeignKey("riskpoints.DisasterRiskPoint", verbose_name="风险点", on_delete=models.CASCADE,
                              related_name="rain_checks")
    warning = models.ForeignKey("warning.Warning", verbose_name="预警", on_delete=models.CASCADE, related_name="+")
    phase = models.CharField("环节", max_length=8, choices=Phase.choices)
    due_at = models.DateTimeField("期限")
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    problem = models.BooleanField("发现问题", default=False)
    note = models.TextField("情况", blank=True)

    objects = ByPoint.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "雨前雨中雨后检查"
        ordering = ["due_at", "point_id", "phase"]
        constraints = [models.UniqueConstraint(fields=["point", "warning", "phase"], name="one_rain_check")]
        indexes = [models.Index(fields=["done_at", "due_at"], name="raincheck_due")]

    def __str__(self) -> str:
        return f"{self.point} {self.get_phase_display()}"

    def behind(self, now=None) -> bool:
        return self.done_at is None and self.due_at < (now or timezone.now())


class PatrolFinding(models.Model):
    """A problem a patrol found at a point (a crack, a blocked drain), carried to 销号: the town
    reports it rectified, someone else closes it. Kept here rather than in the hazard register,
    whose records belong to an enterprise (its 整改 party, scope and ladder are the enterprise's)."""

    class Status(models.TextChoices):
        OPEN = "open", "待整改"
        RECTIFIED = "rectified", "已整改待销号"
        CLOSED = "closed", "已销号"

    point = models.ForeignKey("riskpoints.DisasterRiskPoint", verbose_name="风险点", on_delete=models.PROTECT,
                              related_name="findings")
    round = models.ForeignKey(PatrolRound, on_delete=models.SET_NULL, null=True, blank=True, related_name="findings")
    rain_check = models.ForeignKey(RainCheck, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="findings")
    description = models.TextField("问题描述")
    found_on = models.DateField("发现日期")
    deadline = models.DateField("整改期限", null=True, blank=True)
    measures = models.TextField("整改情况", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    rectified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    closed_on = models.DateField("销号日期", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ByPoint.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "巡查发现问题"
        ordering = ["status", "-found_on", "-id"]

    def __str__(self) -> str:
        return f"{self.point.name}：{self.description[:30]}"
