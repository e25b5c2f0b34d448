"""Regions, organisations, users, audit events, API tokens and attachments.

Regions and industries are trees stored with a materialised path ("/1/7/42/") so that a
subtree is one indexed prefix match on both SQLite and PostgreSQL.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from .roles import Role


class TreeNode(models.Model):
    name = models.CharField("名称", max_length=100)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    sort = models.PositiveIntegerField("排序", default=0)

    class Meta:
        abstract = True
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        parent_path = self.parent.path if self.parent_id else "/"
        path = f"{parent_path}{self.pk}/"
        if path != self.path:
            self.path = path
            type(self).objects.filter(pk=self.pk).update(path=path)

    def subtree(self):
        return type(self).objects.filter(path__startswith=self.path)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class Region(TreeNode):
    class Level(models.TextChoices):
        PROVINCE = "province", "省/直辖市"
        CITY = "city", "市"
        DISTRICT = "district", "区县"
        TOWN = "town", "镇街"
        VILLAGE = "village", "村社区"

    level = models.CharField("层级", max_length=16, choices=Level.choices)
    # 12-digit 统计用区划代码 where known; blank where the official code is not recorded.
    code = models.CharField("区划代码", max_length=12, blank=True, db_index=True)
    is_park = models.BooleanField("园区/高新区", default=False)

    class Meta(TreeNode.Meta):
        verbose_name = verbose_name_plural = "行政区划"


class Industry(TreeNode):
    code = models.CharField("代码", max_length=32, unique=True)

    class Meta(TreeNode.Meta):
        verbose_name = verbose_name_plural = "监管行业"


def template_path(instance, filename: str) -> str:
    return f"templates/{secrets.token_hex(16)}.docx"


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COMMITTEE = "committee", "安委会"
        COMMITTEE_OFFICE = "committee_office", "安委办"
        DEPARTMENT = "department", "监管部门"
        TOWN_OFFICE = "town_office", "镇街应急办"
        RESCUE_TEAM = "rescue_team", "救援队伍"
        ENTERPRISE = "enterprise", "生产经营单位"
        VILLAGE_COMMITTEE = "village_committee", "村（社区）委员会"

    name = models.CharField("单位名称", max_length=200)
    kind = models.CharField("单位类型", max_length=32, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="organisations")
    supervised_industries = models.ManyToManyField(
        Industry, verbose_name="监管行业", blank=True, related_name="supervisors",
        help_text="部门按行业监管；为空表示属地监管（区划内全部行业）",
    )
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    # how the unit signs its documents: the full name (重庆市铜梁区应急管理局, not 区应急局) and its
    # 发文机关代字, the part of every 文号 before the document's 字样 (铜安监 → 铜安监现记〔2026〕1号)
    full_name = models.CharField("单位全称", max_length=200, blank=True, help_text="文书落款用；为空时用单位名称")
    doc_prefix = models.CharField("发文机关代字", max_length=20, blank=True, validators=[RegexValidator(
                                      r"^[^\s〔〕\[\]（）()0-9０-９]*$", "发文机关代字不能含空格、括号或数字")],
                                  help_text="文号中文书字样之前的部分，如“铜安监”“旧县应急”；为空时镇街用单位名称")
    # the unit's own base .docx (page setup, styles, a letterhead in the header) instead of
    # core/data/official.docx; checked on upload (core.officialdoc.check_template)
    document_template = models.FileField("文书版式模板", upload_to=template_path, blank=True,
                                         help_text="可选：上传本单位的 Word 版式模板（.docx，A4），所有文书以它为底版")
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["region__path", "kind", "name"]
        indexes = [models.Index(fields=["kind", "region"])]

    def __str__(self) -> str:
        return self.name

    @property
    def issuer_name(self) -> str:
        """The name a document is signed with."""
        return self.full_name or self.name

    @property
    def is_government(self) -> bool:
        return self.kind in {self.Kind.COMMITTEE, self.Kind.COMMITTEE_OFFICE, self.Kind.DEPARTMENT, self.Kind.TOWN_OFFICE}


class User(AbstractUser):
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        Organisation, verbose_name="所属单位", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    phone = models.CharField("手机号", max_length=20, blank=True)
    display_name = models.CharField("姓名", max_length=50, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else "系统管理员"

    def has_perm_code(self, code: str) -> bool:
        from .permissions import role_has

        held = role_has(self.role, code)  # first: an unknown code raises, even for a superuser
        return self.is_active and (self.is_superuser or held)


class LoginFailure(models.Model):
    """Failed logins, counted per username for the lockout rule (等保: 登录失败处理)."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} @ {self.at:%Y-%m-%d %H:%M}"


class AuditQuerySet(models.QuerySet):
    # Security audit records must survive unchanged (等保: 审计记录保护).
    def delete(self):
        raise PermissionError("审计记录不可删除")

    def update(self, **kwargs):
        raise PermissionError("审计记录不可修改")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "新建"
        UPDATE = "update", "修改"
        STATE = "state", "状态变更"
        DELETE = "delete", "删除"
        IMPORT = "import", "导入"
        EXPORT = "export", "导出"
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOGOUT = "logout", "退出"
        TOKEN = "token", "令牌"

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, verbose_name="操作人")
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=255, blank=True)
    summary = models.CharField("摘要", max_length=255, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    # Where the record lies, so an administrator reads the trail of their own territory only,
    # including events of the system itself (which have no actor).
    region_path = models.CharField(max_length=255, blank=True, db_index=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计记录不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计记录不可删除")

    def changes(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) for each changed value. Stored keys are field names
        (stable for code); people read the fields' Chinese verbose names."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        model = self.content_type.model_class() if self.content_type_id else None
        return [(_label(model, k), before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def _label(model, key: str) -> str:
    try:
        return str(model._meta.get_field(key).verbose_name) if model else key
    except Exception:  # a key that is not a field (e.g. a removed field in an old event)
        return key


class ApiToken(models.Model):
    """A per-user API token. Only a SHA-256 of the secret is stored; the secret is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_secret() -> str:
        return "ay_" + secrets.token_urlsafe(32)


def attachment_path(instance: Attachment, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{ext}"


class Attachment(models.Model):
    """A photo or document on any record (generic link, so every module can use it)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField("文件名", max_length=255)
    size = models.PositiveIntegerField("大小")
    mime_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(default=timezone.now)
    # The timeline step this file is evidence of (提交复查 …). A file serves one step only, so a
    # record sent back cannot be resubmitted with last round's photo (core.workflow).
    event = models.ForeignKey("TimelineEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence")

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.original_name


class Notification(models.Model):
    """An in-app message. It is written first and never depends on outbound delivery."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One attempt series of sending a notification through an outbound channel."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField("渠道", max_length=20)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_result = models.CharField("结果", max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "消息投递记录"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.channel} {self.get_status_display()}"


class RateLimitHit(models.Model):
    """One counted request of a rate-limited public action (core/ratelimit.py). Kept in the
    database so every process and thread of the server shares the count without Redis; the
    key is a keyed hash, so a tip reporter's network address is never stored."""

    bucket = models.CharField(max_length=32)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["bucket", "key", "at"])]

    def __str__(self) -> str:
        return f"{self.bucket} {self.key[:8]} {self.at:%H:%M:%S}"


class TimelineEvent(models.Model):
    """One step in the life of any record (a hazard, a tip, a penalty …): who did what, when,
    from which state to which, and why. Every lifecycle writes here through core.workflow, so a
    record's history reads the same everywhere and a new module gets it for free. `comment` is
    internal; `public` marks the steps an outside party (a tip's reporter) may see."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    action = models.CharField("操作", max_length=40)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField("说明", blank=True)
    public = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "处理记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} {self.action}"

    @property
    def label(self) -> str:
        from .workflow import event_label

        return event_label(self.content_type_id, self.action)


class ClockRung(models.Model):
    """One rung of a deadline clock's ladder (core.clock): what happens `days` after a record's
    due date (before it, when negative). Rules differ by jurisdiction, so a ladder is data: the
    default for every region (region empty, loaded with its source), a district's own, a
    town's override; each version in force from a date, never edited in place."""

    clock = models.CharField("时钟", max_length=40)
    region = models.ForeignKey(Region, verbose_name="适用区划", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", help_text="为空表示默认（全部区划）")
    effective_from = models.DateField("生效日期")
    code = models.CharField("代码", max_length=16)
    label = models.CharField("措施", max_length=20)
    days = models.IntegerField("到期后天数", help_text="期限之后第几天采取该措施；负数表示期限之前提醒")
    condition = models.CharField("适用条件", max_length=20, blank=True)
    action = models.CharField("动作", max_length=20, default="notify")
    source = models.CharField("依据", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "期限与升级规则"
        ordering = ["clock", "region_id", "-effective_from", "days"]
        constraints = [models.UniqueConstraint(fields=["clock", "region", "effective_from", "code"],
                                               name="one_rung_per_ladder_version")]

    def __str__(self) -> str:
        return f"{self.label}（{self.days} 天）"


class ClockStep(models.Model):
    """A rung taken for one record. The unique key makes every rung happen once per record,
    however often and in however many processes `anying tick` runs. A clock whose due date moves
    on to a new cycle (a renewed certificate's new expiry date) keys its steps on that date too
    (`cycle`), so the ladder starts again; for the other clocks `cycle` stays empty."""

    clock = models.CharField(max_length=40)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    code = models.CharField(max_length=16)
    label = models.CharField("措施", max_length=20)
    days = models.IntegerField("逾期天数")
    at = models.DateTimeField(default=timezone.now)
    document_no = models.CharField("文号", max_length=60, blank=True)  # a rung that issues a letter (函告)
    # which letter the number belongs to (函告, 通报 …), named by the clock's app; db_default because
    # the clock inserts its steps with raw multi-row INSERTs that leave this column out
    document_kind = models.CharField("文书种类", max_length=32, blank=True, default="", db_default="")
    cycle = models.DateField("期限", null=True, blank=True)  # the due date served, for clocks with `cycles`

    class Meta:
        verbose_name = verbose_name_plural = "期限提醒与升级记录"
        ordering = ["at", "id"]
        # two partial keys, because NULLs never collide in a unique index (SQLite and PostgreSQL alike)
        constraints = [models.UniqueConstraint(fields=["clock", "content_type", "object_id", "code"],
                                               condition=models.Q(cycle__isnull=True), name="one_clock_step_per_rung"),
                       models.UniqueConstraint(fields=["clock", "content_type", "object_id", "code", "cycle"],
                                               condition=models.Q(cycle__isnull=False),
                                               name="one_clock_step_per_rung_and_cycle")]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.clock} {self.object_id} {self.code}"


class DocumentPrefix(models.Model):
    """The 文号字样 an issuing unit uses for one kind of document: a town issues under its own
    (旧县街道应急办函〔2026〕3号), not the district's. Kinds are named by the apps."""

    issuer = models.ForeignKey(Organisation, verbose_name="发文单位", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("文书种类", max_length=32)
    prefix = models.CharField("文号字样", max_length=40)

    class Meta:
        verbose_name = verbose_name_plural = "文号字样"
        constraints = [models.UniqueConstraint(fields=["issuer", "kind"], name="one_prefix_per_issuer_kind")]

    def __str__(self) -> str:
        return self.prefix


class DocumentCounter(models.Model):
    """Serial numbers of official documents per 字样 and year, taken under a row lock so two
    documents never share a 文号."""

    prefix = models.CharField(max_length=40)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="one_document_counter_per_prefix_year")]

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.last}"


class NotificationPreference(models.Model):
    """How a user wants to hear of things beyond the inbox, which always has everything: which of
    the deployment's outbound channels (e-mail, a 企业微信/钉钉 group robot), and whether at once
    or in one daily digest."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference")
    email = models.BooleanField("邮件", default=True)
    webhook = models.BooleanField("企业微信/钉钉机器人", default=True)
    webhook_url = models.URLField("机器人地址", blank=True, help_text="为空时使用系统配置的机器人")
    digest = models.BooleanField("每日汇总", default=False, help_text="勾选后邮件和机器人每天只发一次汇总，站内消息照常")
    last_digest_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "消息设置"

    def __str__(self) -> str:
        return f"{self.user} 消息设置"


class DocumentWording(models.Model):
    """A unit's own wording of one document kind (core.wording): a .docx docxtpl template,
    checked on upload against the kind's sample; without one the kind's default text is used."""
    unit = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="wordings", verbose_name="单位")
    key = models.CharField("文书种类", max_length=64)
    file = models.FileField("措辞模板", upload_to=template_path)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, verbose_name="上传人")
    updated_at = models.DateTimeField("上传时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "文书措辞模板"
        constraints = [models.UniqueConstraint(fields=["unit", "key"], name="one_wording_per_unit_and_kind")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.key}"
