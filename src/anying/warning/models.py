"""预警 (issue #17): warnings with their CAP 1.2 form, the 责任人名册 they are delivered to, and
the 叫应 ledger — one row per person told, acknowledged or escalated.

A warning is written as a draft, checked by a second person and issued; once issued it never
changes. An update or a cancellation is a new message that references it (CAP `references`,
DB45/T 2427-2021's rule that changes and cancellations link to the first issue), and issuing that
message marks the earlier one 已更新 or 已解除."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from anying.core.models import Organisation, Region
from anying.core.scope import ScopedQuerySet


class Family(models.TextChoices):
    """What a warning is about, for choosing whom it reaches (a 暴雨 warning reaches the flood and
    the geological-hazard responsible persons; a 森林火险 warning the forest ones)."""
    FLOOD = "flood", "防汛"
    GEOLOGICAL = "geological", "地质灾害"
    FOREST = "forest", "森林防火"
    GENERAL = "general", "综合"


class Level(models.TextChoices):
    """The four colours (中国气象局令第16号; 突发事件应对法 第四十二条): blue Ⅳ 一般 … red Ⅰ 特别严重."""
    BLUE = "blue", "蓝色"
    YELLOW = "yellow", "黄色"
    ORANGE = "orange", "橙色"
    RED = "red", "红色"


LEVEL_RANK = {Level.BLUE: 1, Level.YELLOW: 2, Level.ORANGE: 3, Level.RED: 4}


class ContactQuerySet(ScopedQuerySet):
    scope_rule = "area"
    scope_fields = {"region": "region"}


class Contact(models.Model):
    """责任人名册: a person warnings must reach and who must answer — a town's 防汛行政责任人, a
    village's 防汛责任人, a 网格员, a 群测群防员, a point's 管护单位责任人. Most have no account;
    they are reached by SMS and answer by the link in it or by replying. `superior` is whom
    silence escalates to last (the town leader above a village cadre, 分片包干)."""

    class Role(models.TextChoices):
        DISTRICT_LEADER = "district_leader", "区级包镇领导"
        TOWN_HEAD = "town_head", "镇街党政主要负责人"
        TOWN_OFFICIAL = "town_official", "镇街防汛抗旱行政责任人"
        TOWN_LEADER = "town_leader", "镇街包村领导"
        VILLAGE_HEAD = "village_head", "村（社区）责任人"
        GRID_WORKER = "grid_worker", "网格员"
        MONITOR = "monitor", "群测群防员"
        RANGER = "ranger", "护林员"
        ADMIN_RESPONSIBLE = "admin_responsible", "行政责任人"
        DEPT_RESPONSIBLE = "dept_responsible", "主管部门责任人"
        KEEPER_RESPONSIBLE = "keeper_responsible", "管护单位责任人"
        ENTERPRISE = "enterprise", "企业负责人"
        OTHER = "other", "其他"

    name = models.CharField("姓名", max_length=60)
    phone = models.CharField("手机号", max_length=20, db_index=True)
    region = models.ForeignKey(Region, verbose_name="负责区域", on_delete=models.PROTECT, related_name="warning_contacts")
    role = models.CharField("身份", max_length=24, choices=Role.choices)
    title = models.CharField("职务", max_length=100, blank=True)
    families = models.CharField("负责的灾种", max_length=60, default="general",
                                help_text="逗号分隔：flood 防汛、geological 地质灾害、forest 森林防火、general 综合（收到全部预警）")
    unit = models.ForeignKey(Organisation, verbose_name="所在单位", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="warning_contacts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="系统账号", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="warning_contacts")
    superior = models.ForeignKey("self", verbose_name="上级（叫应不到时通知）", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="subordinates")
    is_active = models.BooleanField("在岗", default=True)
    note = models.CharField("备注", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "预警责任人"
        ordering = ["region__path", "role", "name"]
        indexes = [models.Index(fields=["region", "is_active"], name="contact_region_active")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"

    @property
    def family_set(self) -> set[str]:
        return {f.strip() for f in self.families.split(",") if f.strip()}


class WarningQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        from .scope import warning_q

        return self.filter(warning_q(user))


class Warning(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待签发"
        RETURNED = "returned", "退回修改"
        ISSUED = "issued", "已发布"
        UPDATED = "updated", "已更新"  # a later message replaced it
        CANCELLED = "cancelled", "已解除"
        EXPIRED = "expired", "已过期"

    class MsgType(models.TextChoices):
        ALERT = "Alert", "首发"
        UPDATE = "Update", "更新"
        CANCEL = "Cancel", "解除"

    class Source(models.TextChoices):
        MANUAL = "manual", "本系统编辑"
        CAP = "cap", "CAP 导入"

    number = models.CharField("预警编号", max_length=64, unique=True, editable=False)
    kind = models.CharField("预警类型", max_length=24)  # a code of data/kinds.csv (reference.KINDS)
    level = models.CharField("预警级别", max_length=8, choices=Level.choices)
    msg_type = models.CharField("消息类型", max_length=8, choices=MsgType.choices, default=MsgType.ALERT)
    references = models.ForeignKey("self", verbose_name="所更新或解除的预警", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="followers")
    agency = models.CharField("发布机构", max_length=100)
    unit = models.ForeignKey(Organisation, verbose_name="发布单位", on_delete=models.PROTECT, related_name="warnings")
    headline = models.CharField("标题", max_length=200)
    description = models.TextField("预警内容")
    instruction = models.TextField("防御指南和措施要求", blank=True)
    regions = models.ManyToManyField(Region, verbose_name="预警区域（镇街、村社区）", related_name="warnings", blank=True)
    area_desc = models.CharField("区域描述", max_length=300, blank=True)
    # GeoJSON Polygon coordinates [[lon, lat], …] (closed ring), ≤ 100 vertices as CAP tools advise
    polygon = models.JSONField("预警范围（多边形）", null=True, blank=True)
    onset = models.DateTimeField("生效时间")
    expires = models.DateTimeField("失效时间")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    source = models.CharField("来源", max_length=8, choices=Source.choices, default=Source.MANUAL)
    external_sender = models.CharField("外部发送方", max_length=200, blank=True)
    external_identifier = models.CharField("外部标识", max_length=200, blank=True)
    external_sent = models.DateTimeField("外部发送时间", null=True, blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="编辑人", on_delete=models.PROTECT,
                                   related_name="+", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT,
                                     related_name="+", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签发人", on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)
    issued_at = models.DateTimeField("发布时间", null=True, blank=True, db_index=True)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WarningQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "预警"
        ordering = ["-issued_at", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["external_sender", "external_identifier"],
                                               condition=~models.Q(external_identifier=""), name="warning_external_once")]

    def __str__(self) -> str:
        return self.headline

    @property
    def in_force(self) -> bool:
        return self.status == self.Status.ISSUED and self.expires > timezone.now()

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self.level]

    def kind_label(self) -> str:
        from .reference import kind_label

        return kind_label(self.kind)

    def clean(self):
        if self.onset and self.expires and self.expires <= self.onset:
            raise ValidationError({"expires": "失效时间须晚于生效时间"})


class Recipient(models.Model):
    """One person told of one warning, and whether they answered (叫应台账). Who they are is
    copied at the time (name, phone, role, region): the ledger says who was called, even after
    the roster changes. `stage` is how far silence has escalated."""

    class Stage(models.IntegerChoices):
        FIRST = 0, "已通知"
        SECOND = 1, "已再次提醒"
        CALL = 2, "已转电话叫应"
        SUPERIOR = 3, "已报上级"

    class Via(models.TextChoices):
        LINK = "link", "短信链接"
        REPLY = "reply", "短信回复"
        APP = "app", "系统内确认"
        CALL = "call", "电话叫应"

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="recipients")
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    name = models.CharField("姓名", max_length=60)
    phone = models.CharField("手机号", max_length=20, blank=True)
    roles = models.CharField("身份", max_length=300)  # "村（社区）责任人；龙洞湾滑坡 行政责任人"
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    superior_name = models.CharField(max_length=60, blank=True)
    superior_phone = models.CharField(max_length=20, blank=True)
    superior_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+")
    stage = models.PositiveSmallIntegerField("叫应进度", choices=Stage.choices, default=Stage.FIRST)
    notified_at = models.DateTimeField("通知时间")
    next_escalation_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    via = models.CharField("确认方式", max_length=8, choices=Via.choices, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "叫应记录"
        ordering = ["town__path", "region__path", "name"]
        constraints = [models.UniqueConstraint(fields=["warning", "phone"], condition=~models.Q(phone=""),
                                               name="recipient_once_per_phone")]
        indexes = [models.Index(fields=["next_escalation_at"], name="recipient_escalation_due",
                                condition=models.Q(acknowledged_at__isnull=True)),
                   models.Index(fields=["warning", "town"], name="recipient_warning_town")]

    def __str__(self) -> str:
        return f"{self.name} {self.phone}"

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class CallTask(models.Model):
    """A phone call the duty desk must make: a recipient silent after two messages (叫应)."""

    class Outcome(models.TextChoices):
        OPEN = "", "待拨打"
        REACHED = "reached", "已接通，已叫应"
        UNREACHED = "unreached", "未接通"

    recipient = models.OneToOneField(Recipient, on_delete=models.CASCADE, related_name="call")
    unit = models.ForeignKey(Organisation, verbose_name="负责拨打的值班台", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices, blank=True, default="")
    note = models.CharField("备注", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "电话叫应任务"
        ordering = ["created_at"]
        indexes = [models.Index(fields=["unit", "outcome"], name="calltask_unit_outcome")]

    def __str__(self) -> str:
        return f"电话叫应：{self.recipient_id}"


class SmsMessage(models.Model):
    """The SMS outbox: queued in the transaction that decides to send, sent by the tick through
    the configured gateway backend (warning/sms.py), retried with back-off, every result kept."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    phone = models.CharField("手机号", max_length=20)
    text = models.TextField("内容")
    recipient = models.ForeignKey(Recipient, on_delete=models.SET_NULL, null=True, blank=True, related_name="sms")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "短信"
        indexes = [models.Index(fields=["next_attempt_at"], name="sms_due", condition=models.Q(status="pending"))]

    def __str__(self) -> str:
        return f"短信 {self.phone}"


class MeasureTask(models.Model):
    """A measure a town must take and report under a warning (B3.4: e.g. daily patrols under
    橙/红), from the measure rules (data/measures.csv) for the warning's type and level."""

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="measures")
    town = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+")
    text = models.CharField("措施", max_length=300)
    daily = models.BooleanField("每日报告", default=False)
    basis = models.CharField("依据", max_length=200, blank=True)
    done_at = models.DateTimeField("落实时间", null=True, blank=True)
    report = models.TextField("落实情况", blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "预警措施落实"
        ordering = ["town__path", "pk"]

    def __str__(self) -> str:
        return self.text


class MeasureReport(models.Model):
    """A day's report of a daily measure (每日巡查 under 橙/红)."""

    task = models.ForeignKey(MeasureTask, on_delete=models.CASCADE, related_name="reports")
    day = models.DateField("日期")
    report = models.TextField("落实情况")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "day"], name="measure_report_once_a_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.report[:20]}"
