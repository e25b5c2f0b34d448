"""安全培训 (issue #19 point 3; docs/training.md).

An enterprise keeps its own training archive: a yearly `Plan` with its `PlanItem`s, the
`Session`s it held (三级安全教育 at 厂/车间/班组 level, 再培训, 转岗, the yearly training of the
主要负责人 and 安全生产管理人员, 特种作业) and, per session, the `Attendance` of each `Trainee`
with the exam score. A trainee is one of the enterprise's staff: the principal and the safety
managers are the registry's `KeyPerson`s (the trainee row points at them), everybody else is
named with their post. Hours per person and year are compared with the minimums of
data/hours.csv (rules.py); the town's coverage page counts, per town and industry, the
enterprises whose principal and safety managers were all trained this year.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from anying.core.scope import ScopedQuerySet
from anying.registry.models import Enterprise, KeyPerson


class ByEnterprise(ScopedQuerySet):
    """An enterprise's records: the enterprise itself, its town and its departments see them."""
    scope_fields = {"region": "enterprise__region", "industry": "enterprise__industry",
                    "organisation": "enterprise__organisation"}


class BySessionEnterprise(ScopedQuerySet):
    scope_fields = {"region": "session__enterprise__region", "industry": "session__enterprise__industry",
                    "organisation": "session__enterprise__organisation"}


class ByPlanEnterprise(ScopedQuerySet):
    scope_fields = {"region": "plan__enterprise__region", "industry": "plan__enterprise__industry",
                    "organisation": "plan__enterprise__organisation"}


class Kind(models.TextChoices):
    LEVEL_COMPANY = "level_company", "三级安全教育·厂（矿）级"
    LEVEL_WORKSHOP = "level_workshop", "三级安全教育·车间（工段、区、队）级"
    LEVEL_TEAM = "level_team", "三级安全教育·班组级"
    REFRESHER = "refresher", "年度再培训"
    TRANSFER = "transfer", "转岗、离岗一年以上重新上岗"
    LEADER = "leader", "主要负责人、安全管理人员年度培训"
    SPECIAL = "special", "特种作业人员培训"
    OTHER = "other", "其他（新工艺、新设备等）"


THREE_LEVEL = (Kind.LEVEL_COMPANY, Kind.LEVEL_WORKSHOP, Kind.LEVEL_TEAM)


class Plan(models.Model):
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE,
                                   related_name="training_plans")
    year = models.PositiveSmallIntegerField("年度")
    note = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = ByEnterprise.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "年度培训计划"
        ordering = ["-year", "id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="training_plan_once")]

    def __str__(self) -> str:
        return f"{self.year}年度安全培训计划"


class PlanItem(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    month = models.PositiveSmallIntegerField("计划月份")
    kind = models.CharField("培训类别", max_length=20, choices=Kind.choices)
    topic = models.CharField("培训内容", max_length=200)
    audience = models.CharField("培训对象", max_length=100)
    hours = models.DecimalField("计划学时", max_digits=5, decimal_places=1)

    objects = ByPlanEnterprise.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "培训计划项目"
        ordering = ["month", "id"]

    def __str__(self) -> str:
        return f"{self.month}月 {self.topic}"


class Trainee(models.Model):
    """One of the enterprise's staff in the training archive (培训档案)."""
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="trainees")
    key_person = models.OneToOneField(KeyPerson, verbose_name="关键人员", null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="trainee")
    name = models.CharField("姓名", max_length=50)
    post = models.CharField("岗位", max_length=100, blank=True)
    hired_on = models.DateField("入职（上岗）日期", null=True, blank=True)
    is_active = models.BooleanField("在岗", default=True)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = ByEnterprise.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "培训档案人员"
        ordering = ["enterprise_id", "name", "id"]
        indexes = [models.Index(fields=["enterprise", "name"], name="trainee_enterprise_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_leader(self) -> bool:
        """主要负责人 and 安全生产管理人员 (and a mine's 实际控制人, 总工程师): the 第九条 minimums."""
        return self.key_person_id is not None and self.key_person.kind in LEADER_KINDS


LEADER_KINDS = (KeyPerson.Kind.PRINCIPAL, KeyPerson.Kind.SAFETY_MANAGER, KeyPerson.Kind.ACTUAL_CONTROLLER,
                KeyPerson.Kind.CHIEF_ENGINEER)
# whose yearly training the coverage page counts (seed 002: 主要负责人 … 安全生产管理人员)
COVERED_KINDS = (KeyPerson.Kind.PRINCIPAL, KeyPerson.Kind.SAFETY_MANAGER)


class Session(models.Model):
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE,
                                   related_name="training_sessions")
    kind = models.CharField("培训类别", max_length=20, choices=Kind.choices)
    topic = models.CharField("培训内容", max_length=200)
    held_on = models.DateField("培训日期")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)
    trainer = models.CharField("授课人（机构）", max_length=100)
    place = models.CharField("地点", max_length=100, blank=True)
    has_exam = models.BooleanField("有考试（考核）", default=True)
    pass_mark = models.PositiveSmallIntegerField("合格分数", default=60)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = ByEnterprise.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "培训记录"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "held_on"], name="session_enterprise_day"),
                   models.Index(fields=["held_on", "id"], name="session_day")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    trainee = models.ForeignKey(Trainee, on_delete=models.CASCADE, related_name="attendances")
    score = models.PositiveSmallIntegerField("考试成绩", null=True, blank=True)
    passed = models.BooleanField("考核合格", default=True)

    objects = BySessionEnterprise.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "参训人员"
        ordering = ["session_id", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "trainee"], name="attendance_once")]
        indexes = [models.Index(fields=["trainee", "session"], name="attendance_trainee")]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.session}"
