"""因灾倒塌损坏住房 (issue #18 point 5 and the house part of point 2; docs/houses.md).

A `Household` is one row of the 因灾倒塌损坏住房户台账: a family whose home a disaster event
(`disasters.Event`) brought down or damaged, in a village of a town — who they are (户主, ID
number, family size and situation), the house (structure, rooms) and the damage assessment
(rooms 倒塌 / 严重损坏 / 一般损坏, date, assessors, photos). The same row then carries the
rebuilding or repair plan (mode, site, the site check against the risk points), the milestones
(开工, 主体完工, 竣工), the town's 验收 and the district's payment of the subsidy, through the
lifecycle in services.py.

A `Standard` is one version of a district's subsidy standard (补助标准) and site rule, in force
from a date; the product default (no region) is loaded from data/subsidy_standards.csv with the
source of each figure. Versions are never edited in place: a change is a new version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from anying.core import masking
from anying.core.models import Region
from anying.core.scope import ScopedQuerySet


class ByVillage(ScopedQuerySet):
    """A village's households: its 灾害信息员, its town and the district see them (area rule). The
    territory is asked as `village_id IN (…)` rather than a join on the path, so the ledger's
    order is read from its index at 50,000 rows (bench/run_houses.py)."""
    scope_rule = "area"
    scope_fields = {"region": "village", "region_subquery": True}


class Situation(models.TextChoices):
    """家庭类别: the families the standards treat as 困难 first (最低生活保障家庭、特困供养人员 …)."""
    DIBAO = "dibao", "低保户"
    TEKUN = "tekun", "特困供养人员"
    MONITORED = "monitored", "建档立卡户（防返贫监测对象）"
    YOUFU = "youfu", "重点优抚对象"
    DISABLED = "disabled", "重度残疾人家庭"
    GENERAL = "general", "一般户"


# the situations that receive a standard's 困难家庭 supplement (沙坪坝区 2022: 最低生活保障家庭、
# 特困供养人员、重点优抚对象、城乡重度残疾家庭; the district sets the amount, 0 by default)
HARDSHIP = {Situation.DIBAO, Situation.TEKUN, Situation.MONITORED, Situation.YOUFU, Situation.DISABLED}


class Structure(models.TextChoices):
    BRICK_CONCRETE = "brick_concrete", "砖混结构"
    BRICK_WOOD = "brick_wood", "砖木结构"
    EARTH_WOOD = "earth_wood", "土木结构"
    STONE = "stone", "石木结构"
    FRAME = "frame", "框架结构"
    OTHER = "other", "其他"


class Mode(models.TextChoices):
    IN_PLACE = "in_place", "原址重建"
    RELOCATE = "relocate", "异地新建"
    REPAIR = "repair", "维修加固"
    PURCHASE = "purchase", "购房安置"


# the modes that build on a site, which is checked against the risk points
BUILD_MODES = {Mode.IN_PLACE, Mode.RELOCATE}
# the modes with no 主体 to finish: 竣工 may follow 开工 directly
NO_MAIN_WORKS = {Mode.REPAIR, Mode.PURCHASE}


class Standard(models.Model):
    """补助标准 and site rule of a district (region None: the product default), in force from
    `effective_from` until a later version of the same region. Amounts are in 元."""

    region = models.ForeignKey(Region, verbose_name="区县", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    effective_from = models.DateField("施行日期")
    rebuild_per_room = models.DecimalField("倒塌、严重损坏：每间补助（元）", max_digits=10, decimal_places=2)
    rebuild_flat_from = models.PositiveSmallIntegerField("倒塌、严重损坏：达到多少间按户定额", null=True, blank=True,
                                                         help_text="如“4间及以上每户20000元”填4；不按户定额则留空")
    rebuild_flat_amount = models.DecimalField("倒塌、严重损坏：按户定额（元）", max_digits=10, decimal_places=2,
                                              null=True, blank=True)
    repair_per_room = models.DecimalField("一般损坏：每间维修补助（元）", max_digits=10, decimal_places=2)
    repair_max = models.DecimalField("一般损坏：每户最高（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    hardship_extra = models.DecimalField("困难家庭每户增加（元）", max_digits=10, decimal_places=2, default=0,
                                         help_text="低保户、特困供养、建档立卡、重点优抚、重度残疾家庭")
    site_distance_m = models.PositiveIntegerField("新址距风险点最小距离（米）", default=100,
                                                  help_text="新址在此距离内有未销号的地质灾害隐患点、防洪风险点、山洪危险区或易涝点的，不予通过")
    sources = models.JSONField("依据", default=dict, blank=True)  # {field: source}, from the CSV or the editor
    unverified = models.JSONField("未核对的数值", default=list, blank=True)  # fields whose figure is a product default
    note = models.CharField("说明", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "倒损住房补助标准"
        ordering = ["region__path", "-effective_from", "-id"]
        constraints = [models.UniqueConstraint(fields=["region", "effective_from"], name="houses_standard_once")]

    def __str__(self) -> str:
        return f"{self.region.name if self.region_id else '默认'}补助标准（{self.effective_from} 起）"


class Household(models.Model):
    class Status(models.TextChoices):
        ASSESSED = "assessed", "已评估"
        PLANNED = "planned", "方案待审批"
        APPROVED = "approved", "方案已批准"
        BUILDING = "building", "施工中"
        COMPLETED = "completed", "已竣工待验收"
        ACCEPTED = "accepted", "已验收待发放"
        PAID = "paid", "补助已发放"

    event = models.ForeignKey("disasters.Event", verbose_name="灾害过程", on_delete=models.PROTECT,
                              related_name="house_rows")
    town = models.ForeignKey(Region, verbose_name="镇街", on_delete=models.PROTECT, related_name="+", editable=False)
    village = models.ForeignKey(Region, verbose_name="村（社区）", on_delete=models.PROTECT, related_name="+")
    group = models.CharField("组（门牌）", max_length=100, blank=True, help_text="如：3组12号")
    head = models.CharField("户主", max_length=40)
    id_number = models.CharField("身份证号", max_length=18)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    members = models.PositiveSmallIntegerField("家庭人口")
    situation = models.CharField("家庭类别", max_length=12, choices=Situation.choices, default=Situation.GENERAL)
    only_home = models.BooleanField("唯一住房", default=True, help_text="以居住为使用目的的唯一住房才纳入补助范围")
    structure = models.CharField("房屋结构", max_length=16, choices=Structure.choices)
    rooms = models.PositiveSmallIntegerField("房屋总间数")
    rooms_collapsed = models.PositiveSmallIntegerField("倒塌（间）", default=0)
    rooms_severe = models.PositiveSmallIntegerField("严重损坏（间）", default=0)
    rooms_general = models.PositiveSmallIntegerField("一般损坏（间）", default=0)
    cause = models.CharField("致灾原因", max_length=100, help_text="如：山洪冲毁、滑坡推挤、暴雨浸泡")
    assessed_on = models.DateField("评估日期")
    assessors = models.CharField("评估人员", max_length=100, help_text="如：镇建设环保办 王某、村委会 李某")
    # the plan
    mode = models.CharField("重建方式", max_length=10, choices=Mode.choices, blank=True)
    site_address = models.CharField("建房地点", max_length=200, blank=True)
    site_lat = models.DecimalField("建房地点纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    site_lon = models.DecimalField("建房地点经度", max_digits=9, decimal_places=6, null=True, blank=True)
    site_nearby = models.JSONField("附近风险点", default=list, blank=True)  # at the check: [{id, name, kind, metres}]
    site_override = models.CharField("选址例外理由", max_length=500, blank=True)
    site_override_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="选址例外审核人", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    plan_note = models.CharField("方案说明", max_length=500, blank=True, help_text="如：自建两层砖混，面积约120平方米")
    plan_submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+")
    plan_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    plan_approved_on = models.DateField("方案批准日期", null=True, blank=True)
    # milestones
    started_on = models.DateField("开工日期", null=True, blank=True)
    main_done_on = models.DateField("主体完工日期", null=True, blank=True)
    completed_on = models.DateField("竣工日期", null=True, blank=True)
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    # the subsidy: computed from the standard in force on the assessment date, fixed at 验收
    subsidy = models.DecimalField("补助金额（元）", max_digits=10, decimal_places=2, default=0)
    standard = models.ForeignKey(Standard, verbose_name="适用补助标准", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    account = models.CharField("一卡通账号", max_length=30, blank=True)
    bank = models.CharField("开户银行", max_length=60, blank=True)
    paid_on = models.DateField("发放日期", null=True, blank=True)
    paid_amount = models.DecimalField("发放金额（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    status = models.CharField("进度", max_length=10, choices=Status.choices, default=Status.ASSESSED)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = ByVillage.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "因灾倒塌损坏住房户"
        ordering = ["town_id", "village_id", "id"]  # the ledger's order, read from house_order
        indexes = [models.Index(fields=["village", "status", "id"], name="house_village_status"),
                   models.Index(fields=["event", "town"], name="house_event_town"),
                   models.Index(fields=["town", "village", "id"], name="house_order")]

    def __str__(self) -> str:
        return f"{self.head}户（{self.village.name}）"

    @property
    def degree(self) -> str:
        """The worst damage: what the ledger calls the household."""
        if self.rooms_collapsed:
            return "倒塌"
        if self.rooms_severe:
            return "严重损坏"
        return "一般损坏" if self.rooms_general else "—"

    @property
    def id_masked(self) -> str:
        return mask_id(self.id_number)

    @property
    def account_masked(self) -> str:
        return mask_account(self.account)

    @property
    def phone_masked(self) -> str:
        return masking.phone(self.phone)


# one masking rule for the whole product (core/masking.py)
mask_id = masking.id_number
mask_account = masking.account
