"""Excel import and export of warehouses and of opening stock (`anying import supplies-warehouses
FILE`, `anying import supplies-stock FILE`; core.hooks registers). Every row is checked first and
each error named by row and column; a file with errors imports nothing (or, with valid_only, only
its good rows). Opening stock goes in as one posted 入库单 per warehouse, so even the first
balances come from the ledger."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from anying.core import exports, xlsx_reader
from anying.core.errors import ImportFileError, PermissionDenied
from anying.core.hooks import Register
from anying.core.models import Organisation, Region
from anying.core.permissions import require

from . import services
from .models import Item, StockDocument, Warehouse

MAX_ROWS = 5000
YES = {"是", "Y", "y", "yes", "1", "true", "TRUE"}

WAREHOUSE_COLUMNS = ["仓库名称*", "管理单位*", "层级*", "储备方式*", "所在区划*", "地址", "经度", "纬度", "保管员",
                     "保管员电话", "协议单位/代储企业", "可供下级调度"]
STOCK_COLUMNS = ["仓库名称*", "物资编码*", "数量*", "批次号", "生产日期", "有效期至", "物权单位"]


@dataclass
class Row:
    row: int
    values: dict
    errors: list[tuple[str, str]] = field(default_factory=list)
    data: dict = field(default_factory=dict)


@dataclass
class Report:
    label: str
    rows: list[Row]
    applied: bool = False
    done: int = 0

    @property
    def bad_rows(self) -> list[Row]:
        return [r for r in self.rows if r.errors]

    def error_lines(self) -> list[str]:
        return [f"第 {r.row} 行 [{col}] {reason}" for r in self.bad_rows for col, reason in r.errors]

    def summary(self) -> str:
        if not self.applied:
            return f"文件共 {len(self.rows)} 行，其中 {len(self.bad_rows)} 行有错误，未导入任何数据。"
        text = f"已导入{self.label} {self.done} 行"
        if self.bad_rows:
            text += f"，跳过有错误的 {len(self.bad_rows)} 行"
        return text + "。"


def read(fileobj, columns: list[str]) -> list[tuple[int, dict]]:
    try:
        wb = xlsx_reader.open_workbook(fileobj, max_rows=MAX_ROWS)
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged file fails anywhere inside openpyxl
        raise ImportFileError("无法读取文件：请上传 Excel .xlsx 文件（可先导出一份作为模板）。") from exc
    rows = xlsx_reader.rows(wb.worksheets[0], max_rows=MAX_ROWS)
    number, header = next(rows, (None, None))
    if exports.is_title_row(header):
        number, header = next(rows, (None, None))
    if header is None:
        raise ImportFileError("文件为空：第一行应为列标题。")
    headers = [str(h).strip().rstrip("*") if h is not None else "" for h in header]
    known = {c.rstrip("*") for c in columns}
    missing = [c.rstrip("*") for c in columns if c.endswith("*") and c.rstrip("*") not in headers]
    if missing:
        raise ImportFileError(f"缺少必填列：{'、'.join(missing)}。")
    unknown = [h for h in headers if h and h not in known]
    if unknown:
        raise ImportFileError(f"无法识别的列：{'、'.join(unknown)}。")
    out = [(n, {h: v for h, v in zip(headers, values, strict=False) if h}) for n, values in rows
           if not all(v is None or str(v).strip() == "" for v in values)]
    wb.close()
    if not out:
        raise ImportFileError("文件中没有数据行。")
    return out


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _decimal(row: Row, col: str, *, required=False, places=3):
    raw = _text(row.values.get(col))
    if not raw:
        if required:
            row.errors.append((col, "必填"))
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        row.errors.append((col, "应为数字"))
        return None
    if not value.is_finite() or abs(value) >= Decimal("1e11"):  # the columns hold 11 whole digits
        row.errors.append((col, "应为数字" if not value.is_finite() else "数值超出范围"))
        return None
    return value.quantize(Decimal(10) ** -places)


def _date(row: Row, col: str):
    raw = row.values.get(col)
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(_text(raw).replace("/", "-")[:10])
    except ValueError:
        row.errors.append((col, "日期格式应为 2026-01-31"))
        return None


def _choice(row: Row, col: str, choices) -> str:
    text = _text(row.values.get(col))
    found = {label: value for value, label in choices}.get(text) or (text if text in dict(choices) else None)
    if not found:
        row.errors.append((col, f"应为：{'、'.join(str(label) for _, label in choices)}"))
    return found or ""


# --- warehouses ----------------------------------------------------------------------------------

def import_warehouses(actor, fileobj, valid_only: bool = False) -> Report:
    require(actor, "supplies.keep", "您无权导入物资仓库")
    rows = [Row(n, v) for n, v in read(fileobj, WAREHOUSE_COLUMNS)]
    units = {u.name: u for u in Organisation.objects.filter(is_active=True).select_related("region")}
    regions = {}
    for r in Region.objects.all():
        regions.setdefault(r.name, r)
    for row in rows:
        d = row.data
        d["name"] = _text(row.values.get("仓库名称"))[:200] or row.errors.append(("仓库名称", "必填")) or ""
        unit = units.get(_text(row.values.get("管理单位")))
        if unit is None:
            row.errors.append(("管理单位", "没有这个单位（应与系统中的单位名称一致）"))
        elif actor is not None and not services.covers(actor, unit.region):
            row.errors.append(("管理单位", "不在您管理的区划范围内"))
        d["owner"] = unit
        d["level"] = _choice(row, "层级", Warehouse.Level.choices)
        d["mode"] = _choice(row, "储备方式", Warehouse.Mode.choices)
        d["region"] = regions.get(_text(row.values.get("所在区划")))
        if d["region"] is None:
            row.errors.append(("所在区划", "没有这个区划"))
        d["lon"], d["lat"] = _decimal(row, "经度", places=6), _decimal(row, "纬度", places=6)
        d["supplier"] = _text(row.values.get("协议单位/代储企业"))[:200]
        if d["mode"] in (Warehouse.Mode.AGREEMENT, Warehouse.Mode.ENTERPRISE) and not d["supplier"]:
            row.errors.append(("协议单位/代储企业", "协议储备和企业代储须填写"))
    report = Report("仓库", rows)
    if report.bad_rows and not valid_only:
        return report
    with transaction.atomic():
        for row in rows:
            if row.errors:
                continue
            d = row.data
            wh = Warehouse.objects.filter(name=d["name"], owner=d["owner"]).first() or Warehouse(
                name=d["name"], owner=d["owner"])
            wh.level, wh.mode, wh.supplier = d["level"], d["mode"], d["supplier"]
            wh.keeper = _text(row.values.get("保管员"))[:60]
            wh.keeper_phone = _text(row.values.get("保管员电话"))[:40]
            try:
                services.save_warehouse(actor, wh, place={
                    "region": d["region"], "address": _text(row.values.get("地址"))[:300], "latitude": d["lat"],
                    "longitude": d["lon"], "dispatchable": _text(row.values.get("可供下级调度")) in YES})
            except (ValidationError, PermissionDenied) as exc:
                transaction.set_rollback(True)
                message = exc.message if isinstance(exc, PermissionDenied) else "；".join(exc.messages)
                row.errors.append(("", message))
                report.applied = False
                return report
            report.done += 1
    report.applied = True
    return report


def export_warehouses(actor, target) -> int:
    book = exports.Book()
    sheet = book.sheet("物资仓库", WAREHOUSE_COLUMNS)
    rows = [[w.name, w.owner.name, w.get_level_display(), w.get_mode_display(), w.place.region.name, w.place.address,
             w.place.longitude, w.place.latitude, w.keeper, w.keeper_phone, w.supplier,
             "是" if w.place.dispatchable else "否"]
            for w in Warehouse.objects.visible_to(actor).select_related("owner", "place__region").order_by("id")]
    sheet.extend(rows)
    book.save(target)
    return len(rows)


# --- opening stock --------------------------------------------------------------------------------

def import_stock(actor, fileobj, valid_only: bool = False) -> Report:
    """期初库存: one posted receipt per warehouse. The keeper must keep each warehouse named."""
    require(actor, "supplies.keep", "您无权导入库存")
    rows = [Row(n, v) for n, v in read(fileobj, STOCK_COLUMNS)]
    houses = {}
    for w in Warehouse.objects.visible_to(actor).select_related("owner__region") if actor else \
            Warehouse.objects.select_related("owner__region"):
        houses.setdefault(w.name, w)
    items = {i.code: i for i in Item.objects.all()}
    for row in rows:
        d = row.data
        d["warehouse"] = houses.get(_text(row.values.get("仓库名称")))
        if d["warehouse"] is None:
            row.errors.append(("仓库名称", "没有这个仓库，或不在您的范围内"))
        elif not services.manages(actor, d["warehouse"]):
            row.errors.append(("仓库名称", "您不是该仓库的管理单位"))
        d["item"] = items.get(_text(row.values.get("物资编码")).upper())
        if d["item"] is None:
            row.errors.append(("物资编码", "物资目录中没有这个编码"))
        q = _decimal(row, "数量", required=True)
        if q is not None and q <= 0:
            row.errors.append(("数量", "应大于 0"))
        d["quantity"] = q
        d["production_date"], d["expiry_date"] = _date(row, "生产日期"), _date(row, "有效期至")
        if d["expiry_date"] and d["production_date"] and d["expiry_date"] < d["production_date"]:
            row.errors.append(("有效期至", "不能早于生产日期"))
    report = Report("库存", rows)
    if report.bad_rows and not valid_only:
        return report
    by_house: dict[int, list[Row]] = {}
    for row in rows:
        if not row.errors:
            by_house.setdefault(row.data["warehouse"].pk, []).append(row)
    try:
        with transaction.atomic():
            for group in by_house.values():
                services.create_and_post(actor, kind=StockDocument.Kind.RECEIPT, warehouse=group[0].data["warehouse"],
                                         counterparty="期初库存导入", note="Excel 导入", lines=[{
                                             "item": r.data["item"], "quantity": r.data["quantity"],
                                             "batch": _text(r.values.get("批次号"))[:60],
                                             "production_date": r.data["production_date"],
                                             "expiry_date": r.data["expiry_date"],
                                             "owner": _text(r.values.get("物权单位"))[:200]} for r in group])
                report.done += len(group)
    except (ValidationError, PermissionDenied) as exc:
        message = exc.message if isinstance(exc, PermissionDenied) else "；".join(exc.messages)
        for group in by_house.values():
            group[0].errors.append(("", message))
            break
        report.done = 0
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


REGISTERS = [Register("supplies-warehouses", "应急物资仓库", import_warehouses, export_warehouses),
             Register("supplies-stock", "应急物资期初库存", import_stock, export_stock)]
