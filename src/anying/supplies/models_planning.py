"""Around the ledger (SEED A8.7, A8.8, A8.10; docs/supplies.md): what each unit says it needs
(物资储备需求计划), the upkeep of what is stored (维护保养), and the publicity that asks households to
keep their own emergency kits (家庭应急物资储备宣传). Imported by models.py, so they are the app's
models; kept apart because none of them touches a balance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from anying.core.models import Organisation, Region
from anying.core.scope import ScopedQuerySet

from .models import QTY, Item, OwnWarehouse, Warehouse


class OwnUnit(ScopedQuerySet):
    """A unit's own records: its staff and the units above it (core.scope.unit_q)."""
    scope_rule = "unit"
    scope_fields = {"unit": "owner"}


class DemandPlan(models.Model):
    """A unit's yearly reserve demand plan (000「指导各涉灾部门编制本行业应急物资储备需求计划」):
    drafted and submitted by the unit, reviewed by the district, compared line by line with stock."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送"
        RETURNED = "returned", "退回修改"
        ACCEPTED = "accepted", "已审核"

    owner = models.ForeignKey(Organisation, verbose_name="编制单位", on_delete=models.PROTECT, related_name="demand_plans")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("计划名称", max_length=200)
    basis = models.TextField("编制依据和说明", blank=True, help_text="如：本行业风险、历年灾情、辖区人口")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="报送人")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="审核人")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1)

    objects = OwnUnit.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "物资储备需求计划"
        ordering = ["-year", "owner__name"]
        constraints = [models.UniqueConstraint(fields=["owner", "year"], name="one_demand_plan_per_unit_year")]

    def __str__(self) -> str:
        return f"{self.owner.name}{self.year}年物资储备需求计划"

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class DemandLine(models.Model):
    plan = models.ForeignKey(DemandPlan, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, verbose_name="物资", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField("需求数量", **QTY)
    purpose = models.CharField("用途", max_length=200, blank=True)

    class Meta:
        ordering = ["item__category", "item__code"]
        constraints = [models.UniqueConstraint(fields=["plan", "item"], name="one_demand_line_per_item")]

    def __str__(self) -> str:
        return f"{self.item} {self.quantity:f}"


class Maintenance(models.Model):
    """Upkeep of stored supplies and equipment (001「开展防汛抗旱物资和水利防灾物资大维护」)."""

    class Kind(models.TextChoices):
        PRESEASON = "preseason", "汛前大维护"
        ROUTINE = "routine", "日常保养"
        TEST = "test", "试机/功能检测"
        REPAIR = "repair", "维修"
        OTHER = "other", "其他"

    class Result(models.TextChoices):
        GOOD = "good", "完好"
        REPAIRED = "repaired", "已修复"
        PENDING = "pending", "待修"
        SCRAP = "scrap", "建议报废"

    warehouse = models.ForeignKey(Warehouse, verbose_name="仓库", on_delete=models.PROTECT, related_name="maintenance")
    done_on = models.DateField("维护日期")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    items = models.CharField("维护的物资/装备", max_length=300, help_text="如：冲锋舟 2 艘、发电机 3 台")
    content = models.TextField("维护内容")
    result = models.CharField("结果", max_length=10, choices=Result.choices, default=Result.GOOD)
    done_by = models.CharField("维护人员/单位", max_length=100)
    next_due = models.DateField("下次维护", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                    editable=False)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = OwnWarehouse.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "维护保养记录"
        ordering = ["-done_on", "-id"]
        indexes = [models.Index(fields=["warehouse", "-done_on"])]

    def __str__(self) -> str:
        return f"{self.warehouse.name} {self.done_on:%Y-%m-%d} {self.get_kind_display()}"


class Publicity(models.Model):
    """Publicity for household emergency kits (000「开展家庭应急物资储备宣传工作」): where, how,
    and how many households it reached."""

    class Form(models.TextChoices):
        TALK = "talk", "社区（村）宣讲"
        LEAFLET = "leaflet", "发放储备清单/宣传册"
        DOOR = "door", "入户宣传"
        ONLINE = "online", "线上推送"
        DRILL = "drill", "结合演练宣传"
        KITS = "kits", "发放家庭应急包"

    owner = models.ForeignKey(Organisation, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name="开展地点", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField("开展日期")
    form = models.CharField("形式", max_length=10, choices=Form.choices)
    title = models.CharField("活动名称", max_length=200)
    households = models.PositiveIntegerField("覆盖户数", default=0)
    kits = models.PositiveIntegerField("发放清单/应急包（份）", default=0)
    note = models.TextField("备注", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                    editable=False)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = OwnUnit.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "家庭应急物资储备宣传"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"
