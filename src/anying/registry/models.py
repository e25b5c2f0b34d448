"""The enterprise registry (生产经营单位档案): enterprises, 三个责任人, key personnel,
standardization, insurance and posts with 两单两卡."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone

from anying.core.models import Industry, Organisation, Region
from anying.core.scope import ScopedQuerySet
from anying.standards.models import LEVEL_COLOUR, AccidentType, RiskLevel, RiskMethod


class RiskTag(models.Model):
    """四涉一有限一使用 and 重大危险源: loaded from data/risk_tags.csv."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField("名称", max_length=50)
    sort = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort"]
        verbose_name = verbose_name_plural = "风险标签"

    def __str__(self) -> str:
        return self.name


class EnterpriseQuerySet(ScopedQuerySet):
    scope_fields = {"region": "region", "industry": "industry", "organisation": "organisation"}


def new_public_token() -> str:
    return secrets.token_urlsafe(18)


class Enterprise(models.Model):
    class Scale(models.TextChoices):
        ABOVE = "above", "规上"
        BELOW = "below", "规下"

    class Status(models.TextChoices):
        OPERATING = "operating", "在业"
        SUSPENDED = "suspended", "停产"
        CLOSED = "closed", "关闭"

    class Grade(models.TextChoices):
        NONE = "", "无"
        FIRST = "1", "一级"
        SECOND = "2", "二级"
        THIRD = "3", "三级"

    class StdStatus(models.TextChoices):
        NONE = "none", "未创建"
        APPLYING = "applying", "申请中"
        CERTIFIED = "certified", "达标"
        EXPIRED = "expired", "过期"

    class CoordSystem(models.TextChoices):
        CGCS2000 = "CGCS2000", "CGCS2000"
        WGS84 = "WGS84", "WGS84"

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="enterprise")
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True,
                                   error_messages={"unique": "该统一社会信用代码已登记"})
    name = models.CharField("企业名称", max_length=200, db_index=True)
    address = models.CharField("地址", max_length=255, blank=True)
    region = models.ForeignKey(Region, verbose_name="所属镇街", on_delete=models.PROTECT, related_name="enterprises")
    industry = models.ForeignKey(Industry, verbose_name="监管行业", on_delete=models.PROTECT, related_name="enterprises")
    scale = models.CharField("规模", max_length=8, choices=Scale.choices, default=Scale.BELOW)
    employees = models.PositiveIntegerField("从业人数", null=True, blank=True)
    tags = models.ManyToManyField(RiskTag, verbose_name="风险标签", blank=True, related_name="enterprises")
    status = models.CharField("经营状态", max_length=16, choices=Status.choices, default=Status.OPERATING)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    coord_system = models.CharField("坐标系", max_length=10, choices=CoordSystem.choices, default=CoordSystem.CGCS2000)

    std_grade = models.CharField("标准化等级", max_length=1, choices=Grade.choices, blank=True, default="")
    std_status = models.CharField("标准化状态", max_length=10, choices=StdStatus.choices, default=StdStatus.NONE)
    std_certificate_date = models.DateField("证书日期", null=True, blank=True)
    std_expiry_date = models.DateField("证书有效期至", null=True, blank=True)
    std_note = models.CharField("标准化备注", max_length=100, blank=True)

    insurer = models.CharField("安责险承保机构", max_length=100, blank=True)
    insurance_policy = models.CharField("保单号", max_length=60, blank=True)
    insurance_start = models.DateField("保险起期", null=True, blank=True)
    insurance_end = models.DateField("保险止期", null=True, blank=True)

    public_token = models.CharField(max_length=32, unique=True, default=new_public_token, editable=False)
    is_demo = models.BooleanField("演示数据", default=False)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "生产经营单位"
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["region", "industry"]),
            models.Index(fields=["industry", "region"]),
            models.Index(fields=["std_status", "std_grade"]),
            models.Index(fields=["status"]),
            models.Index(fields=["std_expiry_date"]),
            # 一张图 and the nearest search load enterprises by bounding box (places/layers.py)
            models.Index(fields=["latitude", "longitude"], name="enterprise_lat_lon"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def std_expired(self) -> bool:
        return bool(self.std_expiry_date and self.std_expiry_date < timezone.localdate())


class ResponsiblePerson(models.Model):
    """三个责任人: shown on the enterprise's public 公示 page."""

    class Kind(models.TextChoices):
        REGIONAL = "regional", "行政区域负责人"
        DEPARTMENTAL = "departmental", "行业监管部门负责人"
        ENTERPRISE = "enterprise", "企业单位负责人"

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="responsible_persons")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职务", max_length=100, blank=True)
    phone = models.CharField("电话", max_length=40, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "三个责任人"
        constraints = [models.UniqueConstraint(fields=["enterprise", "kind"], name="one_responsible_per_kind")]
        ordering = ["enterprise", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


class KeyPerson(models.Model):
    """主要负责人, 安全生产管理人员 and 特种作业人员 with their certificates; for mines also the
    实际控制人 and the 总工程师 whose days on site the `onsite` app keeps (issue #19 point 8).
    The chief engineer's qualification (title, years, field) is checked against seed 001's rule
    by `onsite.rules.chief_engineer_gaps`, which flags a shortfall without refusing the record:
    the register says who holds the post, the flag says what is missing."""

    class Kind(models.TextChoices):
        PRINCIPAL = "principal", "主要负责人"
        SAFETY_MANAGER = "safety_manager", "安全生产管理人员"
        SPECIAL_OPERATOR = "special_operator", "特种作业人员"
        ACTUAL_CONTROLLER = "actual_controller", "实际控制人"
        CHIEF_ENGINEER = "chief_engineer", "总工程师"

    class TitleLevel(models.TextChoices):
        NONE = "", "无职称"
        JUNIOR = "junior", "初级"
        INTERMEDIATE = "intermediate", "中级"
        SENIOR_ASSOCIATE = "senior_associate", "副高级"
        SENIOR = "senior", "正高级"

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="key_persons")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    name = models.CharField("姓名", max_length=50)
    certificate_type = models.CharField("证书类别", max_length=100, blank=True)
    certificate_no = models.CharField("证书编号", max_length=60, blank=True)
    certificate_expiry = models.DateField("证书有效期至", null=True, blank=True)
    # the chief engineer's qualification (seed 001: 中级及以上职称，五年以上矿山安全和矿山技术管理从业经验)
    title_level = models.CharField("职称等级", max_length=20, choices=TitleLevel.choices, blank=True, default="")
    experience_years = models.PositiveSmallIntegerField("矿山安全和技术管理从业年限", null=True, blank=True)
    field_of_study = models.CharField("所学专业", max_length=60, blank=True, help_text="如：采矿工程、矿山安全")
    is_active = models.BooleanField("在岗", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "关键人员"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def uncertified(self) -> bool:
        """An uncertified special-operations worker is a major hazard (工贸 第三条（二）)."""
        if self.kind != self.Kind.SPECIAL_OPERATOR:
            return False
        return not self.certificate_no or (self.certificate_expiry is not None and self.certificate_expiry < timezone.localdate())


class Post(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="posts")
    name = models.CharField("岗位名称", max_length=100)
    department = models.CharField("所属部门/车间", max_length=100, blank=True)
    headcount = models.PositiveIntegerField("在岗人数", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "岗位"
        ordering = ["department", "name"]

    def __str__(self) -> str:
        return self.name


class PostCard(models.Model):
    """One of the 两单两卡 of a post: its text plus attachments (scans, photos)."""

    class Kind(models.TextChoices):
        RISK_LIST = "risk_list", "岗位风险清单"
        DUTY_LIST = "duty_list", "岗位职责清单"
        OPERATION_CARD = "operation_card", "岗位操作卡"
        EMERGENCY_CARD = "emergency_card", "岗位应急处置卡"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="cards")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    content = models.TextField("内容")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "两单两卡"
        constraints = [models.UniqueConstraint(fields=["post", "kind"], name="one_card_per_kind")]
        ordering = ["post", "kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


# --- Risk grading (安全风险分级管控, 双重预防) ---------------------------------------------------


class RiskAreaQuerySet(ScopedQuerySet):
    scope_fields = {"region": "enterprise__region", "industry": "enterprise__industry",
                    "organisation": "enterprise__organisation"}


class RiskArea(models.Model):
    """A place of the enterprise's 四色图: a rectangle on a plan 100 units wide (x, y, w, h)."""

    PLAN_WIDTH = 100

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="risk_areas")
    name = models.CharField("区域名称", max_length=100)
    x = models.PositiveSmallIntegerField("左", default=0)
    y = models.PositiveSmallIntegerField("上", default=0)
    w = models.PositiveSmallIntegerField("宽", default=23)
    h = models.PositiveSmallIntegerField("高", default=20)
    sort = models.PositiveIntegerField("排序", default=0)

    objects = RiskAreaQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "风险区域"
        ordering = ["enterprise", "sort", "id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "name"], name="one_risk_area_name")]

    def __str__(self) -> str:
        return self.name


class RiskPointQuerySet(ScopedQuerySet):
    scope_fields = {"region": "region", "industry": "industry", "organisation": "organisation"}

    def current(self):
        """Not retired: what the 四色图, the lists and the figures count."""
        return self.filter(retired_on__isnull=True)


class RiskPoint(models.Model):
    """A risk point (风险点) assessed twice with one method: inherent (固有, without controls)
    and residual (剩余, with the controls in place). Its level is the residual one; every level is
    computed by the service from the configured bands, never typed."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="risk_points")
    area = models.ForeignKey(RiskArea, verbose_name="所在区域", on_delete=models.PROTECT, related_name="points")
    # copied from the enterprise so scope and the government list filter this table itself
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="+", editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)

    activity = models.CharField("作业活动/设备设施", max_length=100)
    hazard = models.TextField("危险源及风险描述", max_length=1000)
    accident_type = models.ForeignKey(AccidentType, verbose_name="可能导致的事故类型", on_delete=models.PROTECT,
                                      related_name="+")
    control_engineering = models.TextField("工程技术措施", blank=True, max_length=1000)
    control_management = models.TextField("管理措施", blank=True, max_length=1000)
    control_training = models.TextField("培训教育措施", blank=True, max_length=1000)
    control_ppe = models.TextField("个体防护措施", blank=True, max_length=1000)
    control_emergency = models.TextField("应急处置措施", blank=True, max_length=1000)
    responsible = models.CharField("管控责任人", max_length=50)

    method = models.CharField("评价方法", max_length=3, choices=RiskMethod.choices)
    inherent_l = models.DecimalField("固有 L", max_digits=6, decimal_places=2)
    inherent_e = models.DecimalField("固有 E", max_digits=6, decimal_places=2, null=True, blank=True)
    inherent_c = models.DecimalField("固有 C/S", max_digits=6, decimal_places=2)
    inherent_score = models.DecimalField("固有风险值", max_digits=12, decimal_places=3)
    inherent_level = models.CharField("固有风险等级", max_length=8, choices=RiskLevel.choices)
    residual_l = models.DecimalField("剩余 L", max_digits=6, decimal_places=2)
    residual_e = models.DecimalField("剩余 E", max_digits=6, decimal_places=2, null=True, blank=True)
    residual_c = models.DecimalField("剩余 C/S", max_digits=6, decimal_places=2)
    residual_score = models.DecimalField("剩余风险值", max_digits=12, decimal_places=3)
    level = models.CharField("风险等级", max_length=8, choices=RiskLevel.choices, db_index=True)

    # A point that no longer exists (equipment removed, process stopped) is retired with a
    # reason, never deleted: the record of what was assessed stays.
    retired_on = models.DateField("撤销日期", null=True, blank=True, editable=False)
    retired_reason = models.CharField("撤销原因", max_length=200, blank=True, editable=False)

    is_demo = models.BooleanField("演示数据", default=False)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = RiskPointQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "风险点"
        ordering = ["enterprise", "area__sort", "area_id", "id"]
        indexes = [models.Index(fields=["region", "level", "industry"], name="riskpoint_region_level")]

    def __str__(self) -> str:
        return f"{self.activity}（{self.get_level_display()}）"

    @property
    def colour(self) -> str:
        return LEVEL_COLOUR[self.level][0]

    @property
    def inherent_text(self) -> str:
        return format(self.inherent_score.normalize(), "f")

    @property
    def residual_text(self) -> str:
        return format(self.residual_score.normalize(), "f")

    @property
    def controls(self) -> list[tuple[str, str]]:
        return [(self._meta.get_field(f).verbose_name, getattr(self, f)) for f in CONTROL_FIELDS if getattr(self, f)]


CONTROL_FIELDS = ["control_engineering", "control_management", "control_training", "control_ppe", "control_emergency"]


# --- Standardization targets ------------------------------------------------------------------


class StandardizationTargetQuerySet(ScopedQuerySet):
    """Targets are by town, for all its industries: a department sees only its industries'
    enterprises, so a town's whole target would be the wrong base for its completion: it has none
    (shown as 不适用/未定)."""

    scope_rule = "area"
    scope_fields = {"summaries": True}


class StandardizationTarget(models.Model):
    """A town's yearly target (seed 001 附件3): industrial enterprises to reach standardization,
    of which above-scale. None is the file's "/" (no target)."""

    region = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    target_total = models.PositiveIntegerField("需完成工业企业达标家数", null=True, blank=True)
    target_above_scale = models.PositiveIntegerField("其中规上工业企业达标家数", null=True, blank=True)
    source = models.CharField("依据", max_length=300, blank=True)

    objects = StandardizationTargetQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "标准化达标任务"
        ordering = ["year", "region__sort", "region_id"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="one_std_target_per_town_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.region}"
