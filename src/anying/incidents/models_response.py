"""Response to an incident (issue #15 point 5; SEED A3.1–A3.4, A3.9, A6.6; docs/incidents.md).

`Task`: a piece of work assigned to a unit (or a team) — from the activated plan's checklist, an
order from the desk (调度指令), the field command post's list, or a follow-up of the review — each
with receipt, feedback and completion. `Dispatch`: a team or supplies sent to the scene, with the
order, departure and arrival times (the 1-hour arrival KPI of seed 000 is computed from them);
supplies leave the ledger through a supplies 出库单 the warehouse posts. `CommandPost`: the field
command post (现场指挥部) with its groups. `Response`: the activation of a plan at a response level
(一级…四级, not the accident grade), its commander, level changes and end. `Review`: the
after-action review.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from anying.core.models import Organisation

from .models import ByIncident, Incident


class ResponseLevel(models.IntegerChoices):
    """突发事件应对法（2024）第七十一条: 一级 is the highest; set in each plan (预案)."""
    I = 1, "Ⅰ级"  # noqa: E741 - the name of the level
    II = 2, "Ⅱ级"
    III = 3, "Ⅲ级"
    IV = 4, "Ⅳ级"


class Response(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="responses")
    plan = models.ForeignKey("plans.EmergencyPlan", verbose_name="预案", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="responses")
    plan_name = models.CharField("启动的预案", max_length=200, help_text="系统外的预案（如市级预案）只记名称")
    level = models.PositiveSmallIntegerField("响应级别", choices=ResponseLevel.choices)
    commander = models.CharField("指挥长", max_length=60)
    unit = models.ForeignKey(Organisation, verbose_name="启动单位", on_delete=models.PROTECT, related_name="+")
    activated_at = models.DateTimeField("启动时间")
    ended_at = models.DateTimeField("终止时间", null=True, blank=True)
    end_reason = models.CharField("终止理由", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    objects = ByIncident.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "应急响应"
        ordering = ["activated_at", "id"]

    def __str__(self) -> str:
        return f"{self.plan_name} {self.get_level_display()}响应"


class CommandPost(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="posts")
    place = models.CharField("开设地点", max_length=200)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=10, decimal_places=6, null=True, blank=True)
    commander = models.CharField("现场指挥长", max_length=60)
    groups = models.TextField("工作组", help_text="每行一个：综合协调组 张某 139…")
    opened_at = models.DateTimeField("开设时间")
    closed_at = models.DateTimeField("撤收时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    objects = ByIncident.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "现场指挥部"
        ordering = ["opened_at", "id"]

    def __str__(self) -> str:
        return f"现场指挥部（{self.place}）"


class Task(models.Model):
    class Source(models.TextChoices):
        PLAN = "plan", "预案任务"
        ORDER = "order", "调度指令"
        POST = "post", "指挥部任务"
        REVIEW = "review", "复盘整改"

    class Status(models.TextChoices):
        ISSUED = "issued", "已下达"
        RECEIVED = "received", "已签收"
        DONE = "done", "已完成"
        CANCELLED = "cancelled", "已取消"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="tasks")
    response = models.ForeignKey(Response, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    post = models.ForeignKey(CommandPost, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    text = models.TextField("任务内容")
    role = models.CharField("岗位/工作组", max_length=60, blank=True)
    unit = models.ForeignKey(Organisation, verbose_name="承办单位", on_delete=models.PROTECT, related_name="incident_tasks")
    due_at = models.DateTimeField("完成时限", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ISSUED, db_index=True)
    issued_at = models.DateTimeField("下达时间", default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField("签收时间", null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    feedback = models.TextField("反馈", blank=True)
    feedback_at = models.DateTimeField("反馈时间", null=True, blank=True)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ByIncident.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "处置任务"
        ordering = ["issued_at", "order", "id"]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return self.text[:60]


class Dispatch(models.Model):
    class Kind(models.TextChoices):
        TEAM = "team", "救援队伍"
        SUPPLIES = "supplies", "应急物资"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="dispatches")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    team = models.ForeignKey("rescue.Team", verbose_name="队伍", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="dispatches")
    warehouse = models.ForeignKey("supplies.Warehouse", verbose_name="仓库", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey("supplies.StockDocument", verbose_name="出库单", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    km = models.DecimalField("调派时距离（公里）", max_digits=7, decimal_places=1, null=True, blank=True)
    people = models.PositiveIntegerField("人数", default=0)
    vehicles = models.PositiveIntegerField("车辆", default=0)
    note = models.CharField("说明", max_length=300, blank=True)
    ordered_at = models.DateTimeField("调派指令时间")
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    departed_at = models.DateTimeField("出发时间", null=True, blank=True)
    arrived_at = models.DateTimeField("到达时间", null=True, blank=True)
    returned_at = models.DateTimeField("返回时间", null=True, blank=True)

    objects = ByIncident.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "力量调派"
        ordering = ["ordered_at", "id"]
        indexes = [models.Index(fields=["kind", "ordered_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.team or self.warehouse}"

    @property
    def moves(self) -> list[tuple[str, object]]:
        return [("departed", self.departed_at), ("arrived", self.arrived_at), ("returned", self.returned_at)]

    @property
    def minutes_to_arrive(self) -> int | None:
        if self.arrived_at is None:
            return None
        return int((self.arrived_at - self.ordered_at).total_seconds() // 60)


class Review(models.Model):
    """The after-action review (A3.9): what happened when (the timeline), what went well, what did
    not; each problem becomes a follow-up `Task` (source 复盘整改) with an owner and a due date."""
    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="review")
    held_on = models.DateField("评估日期")
    participants = models.CharField("参加单位和人员", max_length=300)
    summary = models.TextField("处置经过评估")
    lessons = models.TextField("经验做法", blank=True)
    problems = models.TextField("存在问题")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ByIncident.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "复盘评估"

    def __str__(self) -> str:
        return f"{self.incident.title} 复盘评估"
