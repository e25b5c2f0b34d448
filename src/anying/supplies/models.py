"""Emergency supplies as a ledger (应急物资, issue #14 point 4; docs/supplies.md).

A `Warehouse` is a place (places.Place, kind 物资仓库) kept by a unit at 区/部门/镇街/村 level.
Stock is held as `Lot`s — one batch of one item in one warehouse, with its production and expiry
dates — and its quantity is the lot's balance. `StockBalance` is the same per warehouse and item
(the warehouse page and the district-wide balance read it, never summing the ledger).

Stock changes only by posting a `StockDocument` (入库, 出库, 调拨, 调整, 盘点): posting appends
`LedgerEntry` rows — signed change, the lot's balance after it and the warehouse+item balance
after it — and updates the lot and the balance in the same transaction under row locks. Nothing
edits a lot's quantity, a balance or a ledger row otherwise; a posted document is undone only by a
reversing document. `anying check_ledger` proves every balance equals the sum of its postings.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from anying.core.models import Organisation
from anying.core.routine import RoutineSchedule
from anying.core.scope import RULES, ScopedQuerySet
from anying.places.models import Place

QTY = {"max_digits": 14, "decimal_places": 3}


class Category(models.TextChoices):
    """The five storage categories of seed 001 plus 生活救助 (issue #14)."""
    FOREST_FIRE = "forest_fire", "森林灭火"
    FLOOD = "flood", "防汛抗旱"
    EARTHQUAKE = "earthquake", "地震地质"
    WORK_SAFETY = "work_safety", "安全生产"
    RESCUE = "rescue", "救援保障"
    RELIEF = "relief", "生活救助"


class WarehouseQuerySet(ScopedQuerySet):
    scope_rule = "resource"
    scope_fields = {"unit": "owner", "shared": "place__dispatchable"}


class Warehouse(models.Model):
    class Level(models.TextChoices):
        DISTRICT = "district", "区级"
        DEPARTMENT = "department", "部门"
        TOWN = "town", "镇街"
        VILLAGE = "village", "村（社区）"

    class Mode(models.TextChoices):
        PHYSICAL = "physical", "实物储备"
        AGREEMENT = "agreement", "协议储备"
        ENTERPRISE = "enterprise", "企业代储"

    place = models.OneToOneField(Place, verbose_name="场所", on_delete=models.PROTECT, related_name="warehouse")
    name = models.CharField("仓库名称", max_length=200)
    owner = models.ForeignKey(Organisation, verbose_name="管理单位", on_delete=models.PROTECT, related_name="warehouses")
    level = models.CharField("层级", max_length=20, choices=Level.choices)
    mode = models.CharField("储备方式", max_length=20, choices=Mode.choices, default=Mode.PHYSICAL)
    supplier = models.CharField("协议单位/代储企业", max_length=200, blank=True)
    agreement_no = models.CharField("协议编号", max_length=100, blank=True)
    agreement_until = models.DateField("协议有效期至", null=True, blank=True)
    keeper = models.CharField("保管员", max_length=60, blank=True)
    keeper_phone = models.CharField("保管员电话", max_length=40, blank=True)
    is_active = models.BooleanField("在用", default=True)
    # the last posting's time: postings are serialised per warehouse on this row's lock, and a
    # document dated before it is refused (no back-dating)
    last_posted_at = models.DateTimeField("最近记账时间", null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WarehouseQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "物资仓库"
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.mode in (self.Mode.AGREEMENT, self.Mode.ENTERPRISE) and not self.supplier:
            raise ValidationError({"supplier": "协议储备和企业代储须填写协议单位或代储企业"})


class Item(models.Model):
    """The catalogue (物资目录): one row per kind of item, shared by every warehouse."""
    code = models.CharField("物资编码", max_length=30, unique=True)
    name = models.CharField("物资名称", max_length=100)
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    spec = models.CharField("规格型号", max_length=200, blank=True)
    uom = models.CharField("计量单位", max_length=20)
    gbt_code = models.CharField("GB/T 38565-2020 代码", max_length=7, blank=True,
                                help_text="仅填写可核实的代码（四层七位）；无法核实的留空")
    shelf_life_days = models.PositiveIntegerField("保质期（天）", null=True, blank=True)
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "物资目录"
        ordering = ["category", "code"]

    def __str__(self) -> str:
        return self.name


class ByWarehouse(ScopedQuerySet):
    """Stock a town may call on: its own and its superiors', and what a unit above shares."""
    scope_rule = "resource"
    scope_fields = {"unit": "warehouse__owner", "shared": "warehouse__place__dispatchable"}


class OwnWarehouse(ScopedQuerySet):
    """Books of a warehouse (documents, ledger): the owner's and its superiors' business only."""
    scope_rule = "unit"
    scope_fields = {"unit": "warehouse__owner"}


class MinimumStock(models.Model):
    """储备基数: the quantity a warehouse must keep of an item; below it is flagged and on 待办."""
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="minimums", verbose_name="仓库")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="minimums", verbose_name="物资")
    quantity = models.DecimalField("储备基数", **QTY)

    objects = ByWarehouse.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "储备基数"
        constraints = [models.UniqueConstraint(fields=["warehouse", "item"], name="supplies_min_unique"),
                       models.CheckConstraint(condition=Q(quantity__gte=0), name="supplies_min_nonneg")]

    def __str__(self) -> str:
        return f"{self.warehouse} {self.item} 储备基数 {self.quantity:f}"


class Lot(models.Model):
    """One batch of an item in one warehouse. `quantity` is its balance, kept by postings only."""
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="lots", verbose_name="仓库")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="lots", verbose_name="物资")
    batch = models.CharField("批次号", max_length=60, blank=True)
    production_date = models.DateField("生产日期", null=True, blank=True)
    expiry_date = models.DateField("有效期至", null=True, blank=True)
    owner = models.CharField("物权单位", max_length=200, blank=True, help_text="协议储备、企业代储时物资的所有者")
    quantity = models.DecimalField("结存数量", default=0, editable=False, **QTY)
    received_at = models.DateTimeField("首次入库", auto_now_add=True)

    objects = ByWarehouse.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "批次"
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=0), name="supplies_lot_nonneg"),
                       ]
        # FEFO reads a warehouse's lots of an item by expiry
        indexes = [models.Index(fields=["warehouse", "item", "expiry_date"], name="supplies_lot_fefo")]

    def __str__(self) -> str:
        return f"{self.item} {self.batch or '无批次'}"


class StockBalance(models.Model):
    """The balance of one item in one warehouse (the sum of its lots), kept with them."""
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="balances", verbose_name="仓库")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="balances", verbose_name="物资")
    quantity = models.DecimalField("结存数量", default=0, **QTY)

    objects = ByWarehouse.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "库存结存"
        constraints = [models.UniqueConstraint(fields=["warehouse", "item"], name="supplies_balance_unique"),
                       models.CheckConstraint(condition=Q(quantity__gte=0), name="supplies_balance_nonneg")]
        indexes = [models.Index(fields=["item", "warehouse"], name="supplies_balance_item")]

    def __str__(self) -> str:
        return f"{self.warehouse} {self.item} {self.quantity:f}"


class Reason(models.TextChoices):
    LOSS = "loss", "损耗"
    EXPIRED = "expired", "过期"
    COUNT = "count", "盘点差异"
    DONATION = "donation", "捐赠入库"
    USED = "used", "应急消耗核销"
    OTHER = "other", "其他"


class StockDocument(models.Model):
    class Kind(models.TextChoices):
        RECEIPT = "receipt", "入库单"
        ISSUE = "issue", "出库单"
        TRANSFER = "transfer", "调拨单"
        ADJUSTMENT = "adjustment", "调整单"
        STOCKTAKE = "stocktake", "盘点单"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        POSTED = "posted", "已记账"
        REVERSED = "reversed", "已冲销"

    PREFIX = {"receipt": "RK", "issue": "CK", "transfer": "DB", "adjustment": "TZ", "stocktake": "PD"}

    kind = models.CharField("单据类型", max_length=20, choices=Kind.choices)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="documents", verbose_name="仓库")
    to_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="incoming_documents", verbose_name="调入仓库")
    doc_date = models.DateField("单据日期")
    reason = models.CharField("原因", max_length=20, choices=Reason.choices, blank=True)
    counterparty = models.CharField("来源/去向", max_length=200, blank=True, help_text="供货单位、领用单位等")
    note = models.TextField("说明", blank=True)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by", verbose_name="冲销的单据")
    transfer = models.ForeignKey("Transfer", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="documents", verbose_name="调拨申请")
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    posted_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    posted_at = models.DateTimeField("记账时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = OwnWarehouse.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "出入库单据"
        indexes = [models.Index(fields=["warehouse", "-created_at"], name="supplies_doc_wh")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def number(self) -> str:
        return f"{self.PREFIX[self.kind]}{self.pk:06d}" if self.pk else "（未保存）"


class DocumentLine(models.Model):
    """What a document moves. Receipt: quantity into a (new or existing) lot with batch and dates.
    Issue and transfer: quantity out, lots picked FEFO at posting unless `lot` is named.
    Adjustment: signed quantity of a named lot (or a new lot when positive). Stocktake: `counted`
    quantity of a lot; posting books the difference."""
    document = models.ForeignKey(StockDocument, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name="物资")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="批次")
    quantity = models.DecimalField("数量", default=0, **QTY)
    counted = models.DecimalField("实盘数量", null=True, blank=True, **QTY)
    batch = models.CharField("批次号", max_length=60, blank=True)
    production_date = models.DateField("生产日期", null=True, blank=True)
    expiry_date = models.DateField("有效期至", null=True, blank=True)
    owner = models.CharField("物权单位", max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.item} {self.quantity:f}"


class LedgerQuerySet(OwnWarehouse):
    def update(self, **kwargs):
        raise RuntimeError("台账只能追加，不能修改")

    def delete(self):
        raise RuntimeError("台账只能追加，不能删除")


class LedgerEntry(models.Model):
    """One posting: append-only (ERPNext's Stock Ledger Entry, ANCHORS.md 1.7)."""
    id = models.BigAutoField(primary_key=True)
    document = models.ForeignKey(StockDocument, on_delete=models.PROTECT, related_name="entries")
    line = models.ForeignKey(DocumentLine, on_delete=models.PROTECT, related_name="entries")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="entries")
    change = models.DecimalField("变动数量", **QTY)
    lot_after = models.DecimalField("批次结存", **QTY)
    balance_after = models.DecimalField("仓库该物资结存", **QTY)
    posted_at = models.DateTimeField("记账时间")

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "库存台账"
        ordering = ["id"]
        indexes = [models.Index(fields=["warehouse", "item", "id"], name="supplies_ledger_wi"),
                   models.Index(fields=["lot", "id"], name="supplies_ledger_lot")]

    def __str__(self) -> str:
        return f"台账 {self.pk}"

    def save(self, *args, **kwargs):
        if self.pk and not kwargs.get("force_insert"):
            raise RuntimeError("台账只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("台账只能追加，不能删除")


class TransferQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        unit_q = RULES["unit"]
        return self.filter(unit_q(user, unit="from_warehouse__owner") | unit_q(user, unit="to_warehouse__owner"))


class Transfer(models.Model):
    """调拨: request → approval → dispatch → receipt → return or 核销, each step timed."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "待审批"
        APPROVED = "approved", "已批准待发运"
        REJECTED = "rejected", "已驳回"
        DISPATCHED = "dispatched", "已发运"
        RECEIVED = "received", "已接收"
        RETURNED = "returned", "已归还"
        WRITTEN_OFF = "written_off", "已核销"
        CANCELLED = "cancelled", "已撤回"

    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.REQUESTED)
    from_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="transfers_out",
                                       verbose_name="调出仓库")
    to_warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="transfers_in",
                                     verbose_name="调入仓库")
    purpose = models.CharField("用途", max_length=300)
    preallocated = models.BooleanField("区级预置", default=False, help_text="区级主动向镇街前置物资，无需申请审批")
    requested_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", null=True)
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    approved_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    dispatched_at = models.DateTimeField("发运时间", null=True, blank=True)
    received_at = models.DateTimeField("接收时间", null=True, blank=True)
    closed_at = models.DateTimeField("归还/核销时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "物资调拨"
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"调拨 DBSQ{self.pk:06d}"

    @property
    def number(self) -> str:
        return f"DBSQ{self.pk:06d}"


class TransferLine(models.Model):
    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name="物资")
    quantity = models.DecimalField("数量", **QTY)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.item} {self.quantity:f}"


# --- 日周月 checks of a warehouse (A8.5; rounds.py, the rules are core/routine.py) ---------------

class CheckSchedule(RoutineSchedule):
    """One routine check a warehouse owes (日检, 周检, 月检): how often, who checks, what is
    checked (`items`). Frequency, working days, start, 启用 and the last done period come from
    core's `RoutineSchedule`; what is due and who is behind are computed (core/routine.py).
    Read with the books' rule: the owner unit's and its superiors' business."""

    warehouse = models.ForeignKey(Warehouse, verbose_name="仓库", on_delete=models.CASCADE,
                                  related_name="check_schedules")
    name = models.CharField("检查名称", max_length=60)
    workdays = models.CharField("工作日", max_length=7, default="12345",
                                help_text="仅日检：星期几需要检查，1=周一 … 7=周日；周一至周五按国家法定节假日安排")
    assignee = models.CharField("责任人", max_length=60, blank=True, help_text="不填则为仓库保管员")
    created_by = models.ForeignKey("core.User", null=True, on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnWarehouse.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "仓库日周月检查计划"
        ordering = ["warehouse", "frequency", "id"]
        indexes = [models.Index(fields=["warehouse", "active"], name="supplies_check_wh")]

    def __str__(self) -> str:
        return f"{self.warehouse} · {self.name}"


class CheckItem(models.Model):
    """One line of a schedule's checklist. Never deleted once used: a removed line is made
    inactive, and the rounds keep the text they answered."""

    schedule = models.ForeignKey(CheckSchedule, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField("序号", default=0)
    text = models.CharField("检查项", max_length=200)
    active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "仓库检查项"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class CheckRound(models.Model):
    """One check done: the period it covers, who checked, each item's result."""

    schedule = models.ForeignKey(CheckSchedule, on_delete=models.CASCADE, related_name="rounds")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+", editable=False)
    period_start = models.DateField("检查周期")
    done_on = models.DateField("检查日期")
    inspectors = models.CharField("检查人员", max_length=100)
    note = models.TextField("备注", blank=True)
    fails = models.PositiveIntegerField("不符合项数", default=0)
    recorded_by = models.ForeignKey("core.User", null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = OwnWarehouse.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "仓库检查记录"
        ordering = ["-done_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["schedule", "period_start"], name="supplies_one_check_per_period")]
        indexes = [models.Index(fields=["warehouse", "-done_on"], name="supplies_check_round_wh")]

    def __str__(self) -> str:
        return f"{self.schedule} {self.period_start}"


class CheckResult(models.Model):
    class Result(models.TextChoices):
        OK = "ok", "符合"
        FAIL = "fail", "不符合"

    round = models.ForeignKey(CheckRound, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(CheckItem, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.CharField("检查项", max_length=200)  # as it read when checked
    result = models.CharField("结果", max_length=4, choices=Result.choices)
    note = models.CharField("情况说明", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "仓库检查项结果"
        ordering = ["round", "id"]

    def __str__(self) -> str:
        return f"{self.round_id} {self.text} {self.result}"


from .models_planning import DemandLine, DemandPlan, Maintenance, Publicity  # noqa: E402,F401 - the app's models too
