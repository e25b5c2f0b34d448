"""The supplies lists' filters (core/filters.py): each page, its export and its API list alike."""

from __future__ import annotations

from django.db.models import Q

from anying.core.filters import (
    ChoiceFilter,
    FlagFilter,
    IdFilter,
    ListFilter,
    RegionFilter,
    TextFilter,
    YearFilter,
)

from .models import Category, Item, StockDocument, Transfer, Warehouse
from .models_planning import DemandPlan, Maintenance, Publicity


class WarehouseFilter(ListFilter):
    q = TextFilter(label="搜索", method="search", help_text="仓库名称、地址、保管员或协议单位包含")
    level = ChoiceFilter(label="层级", choices=Warehouse.Level.choices)
    mode = ChoiceFilter(label="储备方式", choices=Warehouse.Mode.choices)
    region = RegionFilter(field_name="place__region", help_text="所在区划 id（含下级）")
    item = IdFilter(label="存有物资", method="holding", record=Item, help_text="存有该物资（物资 id）")
    sort_columns = {"name": "name", "level": "level"}
    default_sort = "level"

    def search(self, qs, name, value):
        return qs.filter(Q(name__contains=value) | Q(place__address__contains=value) | Q(keeper__contains=value)
                         | Q(supplier__contains=value))

    def holding(self, qs, name, value):
        return qs.filter(balances__item_id=value)


class BalanceFilter(ListFilter):
    q = TextFilter(label="搜索", method="search", help_text="物资名称、编码或规格包含")
    category = ChoiceFilter(label="类别", choices=Category.choices, field_name="item__category")
    mode = ChoiceFilter(label="储备方式", choices=Warehouse.Mode.choices, field_name="warehouse__mode")
    region = RegionFilter(field_name="warehouse__place__region", help_text="仓库所在区划 id（含下级）")
    warehouse = IdFilter(label="仓库", field_name="warehouse_id", record=Warehouse)
    below = FlagFilter(label="仅低于储备基数", method="only_below")

    def search(self, qs, name, value):
        return qs.filter(Q(item__name__contains=value) | Q(item__code=value.upper()) | Q(item__spec__contains=value))

    def only_below(self, qs, name, value):
        from django.db.models import Exists, OuterRef

        from .models import MinimumStock
        short = MinimumStock.objects.filter(warehouse_id=OuterRef("warehouse_id"), item_id=OuterRef("item_id"),
                                            quantity__gt=OuterRef("quantity"))
        return qs.filter(Exists(short))


class DocumentFilter(ListFilter):
    q = TextFilter(label="搜索", method="search", help_text="单号（如 CK000012）、来源/去向或说明包含")
    kind = ChoiceFilter(label="单据类型", choices=StockDocument.Kind.choices)
    status = ChoiceFilter(label="状态", choices=StockDocument.Status.choices)
    warehouse = IdFilter(label="仓库", field_name="warehouse_id", record=Warehouse)

    def search(self, qs, name, value):
        digits = "".join(ch for ch in value if ch in "0123456789")
        q = Q(counterparty__contains=value) | Q(note__contains=value)
        if digits and len(digits) < 12:
            q |= Q(pk=int(digits))
        return qs.filter(q)


class TransferFilter(ListFilter):
    status = ChoiceFilter(label="状态", choices=[("open", "未办结"), *Transfer.Status.choices], method="by_status",
                          help_text="状态（open = 未办结）")
    warehouse = IdFilter(label="仓库", method="by_warehouse", record=Warehouse, help_text="调出或调入仓库 id")

    def by_status(self, qs, name, value):
        if value == "open":
            S = Transfer.Status
            return qs.filter(status__in=[S.REQUESTED, S.APPROVED, S.DISPATCHED, S.RECEIVED])
        return qs.filter(status=value)

    def by_warehouse(self, qs, name, value):
        return qs.filter(Q(from_warehouse_id=value) | Q(to_warehouse_id=value))


class DemandPlanFilter(ListFilter):
    year = YearFilter(label="年度")
    status = ChoiceFilter(label="状态", choices=DemandPlan.Status.choices)
    q = TextFilter(label="搜索", method="search", help_text="编制单位或计划名称包含")
    sort_columns = {"year": "year", "owner": "owner__name"}
    default_sort = "-year"

    def search(self, qs, name, value):
        return qs.filter(Q(owner__name__contains=value) | Q(title__contains=value))


class MaintenanceFilter(ListFilter):
    q = TextFilter(label="搜索", method="search", help_text="仓库、物资/装备、内容或维护人员包含")
    kind = ChoiceFilter(label="类型", choices=Maintenance.Kind.choices)
    result = ChoiceFilter(label="结果", choices=Maintenance.Result.choices)
    warehouse = IdFilter(label="仓库", field_name="warehouse_id", record=Warehouse)
    year = YearFilter(label="年度", field_name="done_on__year")
    sort_columns = {"done_on": "done_on"}
    default_sort = "-done_on"

    def search(self, qs, name, value):
        return qs.filter(Q(warehouse__name__contains=value) | Q(items__contains=value) | Q(content__contains=value)
                         | Q(done_by__contains=value))


class PublicityFilter(ListFilter):
    q = TextFilter(label="搜索", method="search", help_text="活动名称或备注包含")
    form = ChoiceFilter(label="形式", choices=Publicity.Form.choices)
    region = RegionFilter(field_name="region", help_text="开展地点区划 id（含下级）")
    year = YearFilter(label="年度", field_name="held_on__year")
    sort_columns = {"held_on": "held_on"}
    default_sort = "-held_on"

    def search(self, qs, name, value):
        return qs.filter(Q(title__contains=value) | Q(note__contains=value))


class CheckFilter(ListFilter):
    """The 日周月检查 list of warehouses (round_views.check_list); `behind` reads the annotation of
    `rounds.overview`."""
    q = TextFilter(label="搜索", method="search", help_text="仓库名称、地址或保管员包含")
    level = ChoiceFilter(label="层级", choices=Warehouse.Level.choices)
    region = RegionFilter(field_name="place__region", help_text="所在区划 id（含下级）")
    behind = FlagFilter(label="仅落后", field_name="behind")

    def search(self, qs, name, value):
        return qs.filter(Q(name__contains=value) | Q(place__address__contains=value) | Q(keeper__contains=value))
