"""Excel import and export of warehouses and of opening stock (`anying import supplies-warehouses
FILE`, `anying import supplies-stock FILE`; core.hooks registers). Every row is checked first and
each error named by row and column; a file with errors imports nothing (or, with valid_only, only
its good rows). Opening stock goes in as one posted 入库单 per warehouse, so even the first
balances come from the ledger."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from anying.core import exports, imports
from anying.core.errors import PermissionDenied
from anying.core.hooks import Register
from anying.core.imports import Report, Row
from anying.core.models import Organisation, Region
from anying.core.permissions import require

from . import services
from .models import Item, StockDocument, Warehouse

WAREHOUSE_COLUMNS = ["仓库名称*", "管理单位*", "层级*", "储备方式*", "所在区划*", "地址", "经度", "纬度", "保管员",
                     "保管员电话", "协议单位/代储企业", "可供下级调度"]
WAREHOUSE_COUNTS = ["物资种数", "低于储备基数"]  # the list's export adds them; an import skips them
STOCK_COLUMNS = ["仓库名称*", "物资编码*", "数量*", "批次号", "生产日期", "有效期至", "物权单位"]


# --- warehouses ----------------------------------------------------------------------------------

def import_warehouses(actor, fileobj, valid_only: bool = False) -> Report:
    require(actor, "supplies.keep", "您无权导入物资仓库")
    rows = imports.read(fileobj, WAREHOUSE_COLUMNS, ignored=WAREHOUSE_COUNTS)
    units = {u.name: u for u in Organisation.objects.filter(is_active=True).select_related("region")}
    regions = {}
    for r in Region.objects.all():
        regions.setdefault(r.name, r)

    def build(row: Row):
        name = imports.text(row, "仓库名称", True)
        unit = imports.lookup(row, "管理单位", units, "没有这个单位（应与系统中的单位名称一致）")
        if unit is not None and actor is not None and not services.covers(actor, unit.region):
            row.errors.append(("管理单位", "不在您管理的区划范围内"))
        wh = Warehouse.objects.filter(name=name, owner=unit).first() if unit else None
        wh = wh or Warehouse(name=name, owner=unit)
        wh.level = imports.choice(row, "层级", Warehouse.Level.choices)
        wh.mode = imports.choice(row, "储备方式", Warehouse.Mode.choices)
        wh.supplier = imports.text(row, "协议单位/代储企业")
        if wh.mode in (Warehouse.Mode.AGREEMENT, Warehouse.Mode.ENTERPRISE) and not wh.supplier:
            row.errors.append(("协议单位/代储企业", "协议储备和企业代储须填写"))
        wh.keeper, wh.keeper_phone = imports.text(row, "保管员", max_length=60), imports.text(row, "保管员电话", max_length=40)
        place = {"region": imports.lookup(row, "所在区划", regions, "没有这个区划"),
                 "address": imports.text(row, "地址", max_length=300),
                 "longitude": imports.decimal(row, "经度", places=6), "latitude": imports.decimal(row, "纬度", places=6),
                 "dispatchable": imports.yes(row, "可供下级调度")}
        return wh, place

    def save(row: Row, built) -> bool:
        wh, place = built
        created = wh.pk is None
        services.save_warehouse(actor, wh, place=place)
        return created

    return imports.apply(Report("仓库", rows), build, save, valid_only=valid_only)


def warehouse_row(w: Warehouse) -> list:
    """A warehouse in the import's columns, so an exported file can be edited and imported back."""
    return [w.name, w.owner.name, w.get_level_display(), w.get_mode_display(), w.place.region.name, w.place.address,
            w.place.longitude, w.place.latitude, w.keeper, w.keeper_phone, w.supplier,
            "是" if w.place.dispatchable else "否"]


def export_warehouses(actor, target) -> int:
    book = exports.Book()
    sheet = book.sheet("物资仓库", WAREHOUSE_COLUMNS)
    rows = [warehouse_row(w)
            for w in Warehouse.objects.visible_to(actor).select_related("owner", "place__region").order_by("id")]
    sheet.extend(rows)
    book.save(target)
    return len(rows)


# --- opening stock --------------------------------------------------------------------------------

def import_stock(actor, fileobj, valid_only: bool = False) -> Report:
    """期初库存: one posted receipt per warehouse. The keeper must keep each warehouse named."""
    require(actor, "supplies.keep", "您无权导入库存")
    rows = imports.read(fileobj, STOCK_COLUMNS)
    houses = {}
    for w in Warehouse.objects.visible_to(actor).select_related("owner__region") if actor else \
            Warehouse.objects.select_related("owner__region"):
        houses.setdefault(w.name, w)
    items = {i.code: i for i in Item.objects.all()}
    for row in rows:
        d = row.data
        d["warehouse"] = imports.lookup(row, "仓库名称", houses, "没有这个仓库，或不在您的范围内")
        if d["warehouse"] is not None and not services.manages(actor, d["warehouse"]):
            row.errors.append(("仓库名称", "您不是该仓库的管理单位"))
        code = imports.text(row, "物资编码", True, max_length=40).upper()
        d["item"] = items.get(code)
        if code and d["item"] is None:
            row.errors.append(("物资编码", "物资目录中没有这个编码"))
        q = imports.decimal(row, "数量", required=True, places=3)
        if q is not None and q <= 0:
            row.errors.append(("数量", "应大于 0"))
        d["quantity"] = q
        d["production_date"], d["expiry_date"] = imports.date(row, "生产日期"), imports.date(row, "有效期至")
        if d["expiry_date"] and d["production_date"] and d["expiry_date"] < d["production_date"]:
            row.errors.append(("有效期至", "不能早于生产日期"))
        d["batch"], d["owner"] = imports.text(row, "批次号", max_length=60), imports.text(row, "物权单位")
    report = Report("库存", rows)
    if report.bad_rows and not valid_only:
        return report
    by_house: dict[int, list[Row]] = {}
    for row in rows:
        if not row.errors:
            by_house.setdefault(row.data["warehouse"].pk, []).append(row)
    group: list[Row] = []
    try:
        with transaction.atomic():
            for group in by_house.values():
                services.create_and_post(
                    actor, kind=StockDocument.Kind.RECEIPT, warehouse=group[0].data["warehouse"],
                    counterparty="期初库存导入", note="Excel 导入",
                    lines=[{key: r.data[key] for key in ("item", "quantity", "batch", "production_date",
                                                          "expiry_date", "owner")} for r in group])
                report.created += len(group)
    except (ValidationError, PermissionDenied) as exc:
        imports.add_errors(group[0], exc)  # the warehouse's first row names the refused 入库单
        report.created = 0
        return report
    report.applied = True
    return report


def export_stock(actor, target) -> int:
    from .models import Lot

    book = exports.Book()
    sheet = book.sheet("库存", STOCK_COLUMNS)
    rows = [[lot.warehouse.name, lot.item.code, lot.quantity, lot.batch, lot.production_date, lot.expiry_date,
             lot.owner] for lot in Lot.objects.visible_to(actor).filter(quantity__gt=0)
            .select_related("warehouse", "item").order_by("warehouse_id", "item_id", "expiry_date")]
    sheet.extend(rows)
    book.save(target)
    return len(rows)


def _template(columns: list[str], sample: list):
    return lambda: imports.template(columns, sample)


KINDS = [
    imports.Kind("warehouses", "物资仓库", import_warehouses, _template(WAREHOUSE_COLUMNS, [
        "旧县街道二号仓库", "旧县街道应急办", "镇街", "实物储备", "旧县街道", "旧县街道某路1号", 106.05, 29.80, "王保管",
        "13800000000", "", "否"])),
    imports.Kind("stock", "期初库存", import_stock, _template(STOCK_COLUMNS, [
        "旧县街道应急物资仓库", "FH-001", 500, "2025-01", "2025-01-01", "2030-12-31", "旧县街道办事处"])),
]


REGISTERS = [Register("supplies-warehouses", "应急物资仓库", import_warehouses, export_warehouses),
             Register("supplies-stock", "应急物资期初库存", import_stock, export_stock)]
