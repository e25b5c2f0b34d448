"""24-hour duty (值班值守, issue #15 point 1; SEED A1.1–A1.4, A1.6; docs/duty.md).

A unit (区应急局, a 镇街应急办, a department) keeps a roster: `Shift`s, usually one 24-hour shift a
day from the unit's handover time, each with `Assignment`s of people to `DutyPost`s (带班领导,
值班员, 技术保障 …). How many people each post needs is a `StaffingRule` (per kind of unit, or for
one unit), raised during a `KeyPeriod` (重大活动, 重要节日, 汛期 with 党政领导"双值班", 防火期).
Gaps are computed against those rules, never stored. A swap (`Swap`) changes an assignment only
when approved. Each shift keeps its log (`LogEntry`) and ends with a `Handover` signed by the
outgoing and the incoming officer, carrying what is still open. The district spot-checks the
desks below it (`SpotCheck`), which gives each unit a monthly score for 考核.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from anying.core.models import Organisation, Region
from anying.core.scope import ScopedQuerySet


class ByUnit(ScopedQuerySet):
    """A unit's duty records: its own staff and the units above it (core.scope.unit_q)."""
    scope_rule = "unit"
    scope_fields = {"unit": "unit"}


class ByShiftUnit(ScopedQuerySet):
    scope_rule = "unit"
    scope_fields = {"unit": "shift__unit"}


class DutyPost(models.Model):
    """A post on the duty desk and what it does when something comes in (A1.6)."""
    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("岗位", max_length=30)
    is_leader = models.BooleanField("领导岗位", default=False, help_text="带班领导：汛期“双值班”按此岗位检查")
    procedure = models.TextField("岗位职责和处置流程", blank=True)
    order = models.PositiveSmallIntegerField("排序", default=10)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "值班岗位"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class StaffingRule(models.Model):
    """The minimum number of people on a post per shift, for a kind of unit or for one unit (the
    unit's own rule wins). Product defaults, not figures from a rule: the district sets its own."""
    kind = models.CharField("单位类型", max_length=32, choices=Organisation.Kind.choices, blank=True)
    unit = models.ForeignKey(Organisation, verbose_name="单位", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    post = models.ForeignKey(DutyPost, verbose_name="岗位", on_delete=models.CASCADE, related_name="rules")
    minimum = models.PositiveSmallIntegerField("每班最少人数")

    class Meta:
        verbose_name = verbose_name_plural = "值班最低配置"
        constraints = [
            models.UniqueConstraint(fields=["kind", "post"], condition=models.Q(unit__isnull=True),
                                    name="one_staffing_rule_per_kind_post"),
            models.UniqueConstraint(fields=["unit", "post"], name="one_staffing_rule_per_unit_post"),
            models.CheckConstraint(condition=models.Q(unit__isnull=False) | ~models.Q(kind=""),
                                   name="staffing_rule_names_kind_or_unit"),
        ]

    def __str__(self) -> str:
        who = self.unit.name if self.unit_id else self.get_kind_display()
        return f"{who} {self.post.name} ≥ {self.minimum}"


class KeyPeriod(models.Model):
    """A period of reinforced duty (A1.2) for the units in a region: the posts it raises and, in
    the flood season, the 党政领导"双值班" (a Party and a government leader on every shift)."""

    class Kind(models.TextChoices):
        EVENT = "event", "重大活动"
        HOLIDAY = "holiday", "重要节日"
        FLOOD = "flood", "汛期"
        FIRE = "fire", "防火期"
        OTHER = "other", "其他"

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name="适用区划", on_delete=models.PROTECT, related_name="+",
                               help_text="区划内（含下级）各单位适用")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    raises = models.JSONField("岗位加强", default=dict, blank=True,
                              help_text="岗位代码 → 每班最少人数，如 {\"leader\": 2}")
    dual_leadership = models.BooleanField("党政领导双值班", default=False,
                                          help_text="每班带班领导须有党委、政府领导各一名（001「执行汛期党政领导“双值班”制度」）")
    note = models.CharField("要求", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "重点时期"
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return f"{self.name}（{self.starts_on:%m-%d}～{self.ends_on:%m-%d}）"


class Shift(models.Model):
    unit = models.ForeignKey(Organisation, verbose_name="值班单位", on_delete=models.PROTECT, related_name="duty_shifts")
    date = models.DateField("值班日期")
    starts_at = models.DateTimeField("接班时间")
    ends_at = models.DateTimeField("交班时间")
    duty_phone = models.CharField("值班电话", max_length=40, blank=True)
    published = models.BooleanField("已发布", default=False)

    objects = ByUnit.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "值班班次"
        ordering = ["starts_at"]
        constraints = [models.UniqueConstraint(fields=["unit", "starts_at"], name="one_shift_per_unit_start")]
        indexes = [models.Index(fields=["unit", "date"]), models.Index(fields=["starts_at", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.date:%Y-%m-%d} 班"


class Assignment(models.Model):
    class Side(models.TextChoices):
        PARTY = "party", "党委"
        GOVERNMENT = "government", "政府"

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="assignments")
    post = models.ForeignKey(DutyPost, verbose_name="岗位", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="系统账号", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="duty_assignments")
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("手机", max_length=40)
    title = models.CharField("职务", max_length=60, blank=True)
    side = models.CharField("党/政", max_length=12, choices=Side.choices, blank=True,
                            help_text="带班领导填写，用于检查党政领导双值班")

    objects = ByShiftUnit.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "值班人员"
        ordering = ["post__order", "id"]
        indexes = [models.Index(fields=["person", "shift"])]

    def __str__(self) -> str:
        return f"{self.post.name} {self.name}"


class Swap(models.Model):
    """换班/替班: someone else takes an assignment, once the unit's approver agrees."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "待审批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已驳回"
        CANCELLED = "cancelled", "已撤回"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="swaps")
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="+", editable=False)
    name = models.CharField("替班人", max_length=50)
    phone = models.CharField("替班人手机", max_length=40)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name="替班人账号")
    reason = models.CharField("原因", max_length=300)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    replaced = models.CharField("原值班人", max_length=100, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    objects = ByShiftUnit.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "换班申请"
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.shift} {self.assignment.post.name} 换班：{self.assignment.name} → {self.name}"


class LogEntry(models.Model):
    """One line of the shift's log (值班日志, A1.3)."""

    class Kind(models.TextChoices):
        CALL = "call", "来电来访/接报"
        INSTRUCTION = "instruction", "上级指示"
        ACTION = "action", "处置情况"
        TODO = "todo", "待办事项"
        OTHER = "other", "其他"

    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="log")
    at = models.DateTimeField("时间", default=timezone.now)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    source = models.CharField("来源/对象", max_length=100, blank=True, help_text="来电人、上级单位或对象")
    content = models.TextField("内容")
    open = models.BooleanField("未办结", default=False, help_text="交班时移交下一班")
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ByShiftUnit.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "值班日志"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%m-%d %H:%M} {self.get_kind_display()}"


class Handover(models.Model):
    """交接班: the outgoing officer signs what they hand over (open log items and whatever other
    modules carry: open incidents, reports due); the incoming one signs that they took it."""
    shift = models.OneToOneField(Shift, on_delete=models.PROTECT, related_name="handover")
    next_shift = models.ForeignKey(Shift, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField("本班情况")
    carried = models.JSONField("移交事项", default=list, editable=False)
    handed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    handed_at = models.DateTimeField(default=timezone.now)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    received_at = models.DateTimeField(null=True, blank=True)
    received_note = models.CharField("接班意见", max_length=300, blank=True)

    objects = ByShiftUnit.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "交接班"

    def __str__(self) -> str:
        return f"{self.shift} 交接班"


class SpotCheck(models.Model):
    """A call from the district to a desk below (查岗, A1.4): answered or not, how fast, by whom."""
    unit = models.ForeignKey(Organisation, verbose_name="被检查单位", on_delete=models.PROTECT, related_name="+")
    called_at = models.DateTimeField("拨打时间")
    phone = models.CharField("拨打号码", max_length=40)
    answered = models.BooleanField("接听", default=True)
    seconds = models.PositiveSmallIntegerField("接听用时（秒）", null=True, blank=True)
    answered_by = models.CharField("接听人", max_length=50, blank=True)
    on_roster = models.BooleanField("接听人在值班表上", default=True)
    knows_procedure = models.BooleanField("熟悉值班要求和处置流程", default=True)
    score = models.PositiveSmallIntegerField("得分", editable=False)
    note = models.CharField("情况说明", max_length=300, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   editable=False)
    checker_unit = models.ForeignKey(Organisation, null=True, on_delete=models.PROTECT, related_name="+", editable=False)

    objects = ByUnit.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "值班抽查"
        ordering = ["-called_at"]
        indexes = [models.Index(fields=["unit", "called_at"])]

    def __str__(self) -> str:
        return f"{self.unit.name} {timezone.localtime(self.called_at):%Y-%m-%d %H:%M} 抽查"
