"""The .xlsx import kit every register uses (registry's enterprises, rescue's teams and experts,
supplies' warehouses and opening stock …): read a sheet against its columns, parse each cell into
a row's data while collecting every error by row and column, then save the good rows through the
register's own service, each in a savepoint, all or nothing unless the user chose to skip the bad
rows. The page (`page`) offers the template, the upload, the report and the audit line.

A register module supplies the columns (a trailing * marks a required one), a `build(row)` that
parses the row with the cell functions below, and a `save(row, built) -> created?` that calls the
service, so an import passes the same permission, scope and audit as the form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from . import exports, xlsx_reader
from .errors import ImportFileError, PermissionDenied

MAX_ROWS = 5_000
YES = {"是", "Y", "y", "yes", "Yes", "1", "true", "True", "TRUE"}
UNREADABLE = "无法读取文件：请上传 Excel .xlsx 文件（可先下载导入模板）。"


@dataclass
class Row:
    row: int  # the spreadsheet's own row number, as the user sees it
    values: dict  # header -> raw cell value
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)
    data: dict = field(default_factory=dict)


@dataclass
class Report:
    label: str  # what was imported, e.g. 救援队伍
    rows: list
    created: int = 0
    updated: int = 0
    applied: bool = False

    @property
    def bad_rows(self) -> list:
        return [r for r in self.rows if r.errors]

    @property
    def valid_rows(self) -> list:
        return [r for r in self.rows if not r.errors]

    @property
    def done(self) -> int:
        return self.created + self.updated

    def error_lines(self) -> list[str]:
        return [f"第 {r.row} 行 [{col}] {reason}" if col else f"第 {r.row} 行 {reason}"
                for r in self.bad_rows for col, reason in r.errors]

    def applied_text(self) -> str:
        return f"{self.label}：新增 {self.created} 条，更新 {self.updated} 条"

    def summary(self) -> str:
        if not self.applied:
            return f"文件共 {len(self.rows)} 行，其中 {len(self.bad_rows)} 行有错误，未导入任何数据。"
        text = self.applied_text()
        if self.bad_rows:
            text += f"，跳过有错误的 {len(self.bad_rows)} 行"
        return text + "。"


# --- reading ---------------------------------------------------------------------------------

def headers_of(columns: Iterable[str]) -> tuple[list[str], list[str]]:
    """["名称*", "地址"] -> (["名称", "地址"], ["名称"])."""
    columns = list(columns)
    return [c.rstrip("*") for c in columns], [c.rstrip("*") for c in columns if c.endswith("*")]


def read_table(fileobj, headers: Iterable[str], required: Iterable[str] = (), *,
               max_rows: int = MAX_ROWS) -> list[tuple[int, dict]]:
    """The sheet's data rows as (row number, {header: value}); an exported file's title row is
    skipped, blank rows dropped. A file that cannot be read, lacks a required column or has an
    unknown one is refused as a whole (ImportFileError, in Chinese)."""
    try:
        return _read(fileobj, set(headers), list(required), max_rows)
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged file can fail anywhere inside openpyxl or its XML parser
        raise ImportFileError(UNREADABLE) from exc


def _read(fileobj, known: set[str], required: list[str], max_rows: int) -> list[tuple[int, dict]]:
    wb = xlsx_reader.open_workbook(fileobj, max_rows=max_rows)
    rows = xlsx_reader.rows(wb.worksheets[0], max_rows=max_rows)
    number, header = next(rows, (None, None))
    expected = 1
    if exports.is_title_row(header):  # an exported file starts with its title row
        number, header, expected = *next(rows, (None, None)), 2
    if header is None or number != expected:
        raise ImportFileError("文件为空：第一行应为列标题。")
    names = [str(h).strip().rstrip("*") if h is not None else "" for h in header]
    missing = [h for h in required if h not in names]
    if missing:
        raise ImportFileError(f"缺少必填列：{'、'.join(missing)}。请使用导入模板。")
    unknown = [h for h in names if h and h not in known]
    if unknown:
        raise ImportFileError(f"无法识别的列：{'、'.join(unknown)}。请使用导入模板。")
    out = [(n, {h: v for h, v in zip(names, values, strict=False) if h}) for n, values in rows
           if not all(v is None or str(v).strip() == "" for v in values)]
    wb.close()
    if not out:
        raise ImportFileError("文件中没有数据行。")
    return out


def read(fileobj, columns: Iterable[str], *, max_rows: int = MAX_ROWS, ignored: Iterable[str] = ()) -> list[Row]:
    """`ignored`: columns an export adds (counts, flags) that an import of that file skips."""
    headers, required = headers_of(columns)
    return [Row(n, values) for n, values in read_table(fileobj, [*headers, *ignored], required, max_rows=max_rows)]


# --- cells: each parses one value and records its own error on the row -----------------------

def raw_text(value) -> str:
    return "" if value is None else str(value).strip()


def text(row: Row, header: str, required: bool = False, max_length: int = 200) -> str:
    value = raw_text(row.values.get(header))
    if required and not value:
        row.errors.append((header, "必填"))
    elif len(value) > max_length:
        row.errors.append((header, f"不能超过 {max_length} 字"))
    return value[:max_length]


def integer(row: Row, header: str, default: int = 0, low: int = 0, high: int = 1_000_000) -> int:
    value = row.values.get(header)
    if value in (None, ""):
        return default
    try:
        number = int(Decimal(str(value).strip()))
        if not low <= number <= high:
            raise ValueError
        return number
    except (InvalidOperation, ValueError, OverflowError):
        row.errors.append((header, f"应为 {low}～{high} 的整数"))
        return default


def decimal(row: Row, header: str, *, required: bool = False, places: int | None = None,
            limit: Decimal = Decimal("1e11")) -> Decimal | None:
    """A number below `limit` in size (the columns hold 11 whole digits), rounded to `places`."""
    raw = raw_text(row.values.get(header))
    if not raw:
        if required:
            row.errors.append((header, "必填"))
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        row.errors.append((header, "应为数字"))
        return None
    if not value.is_finite():
        row.errors.append((header, "应为数字"))
        return None
    if abs(value) >= limit:
        row.errors.append((header, "数值超出范围"))
        return None
    return value if places is None else value.quantize(Decimal(10) ** -places)


def date(row: Row, header: str) -> dt.date | None:
    value = row.values.get(header)
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(raw_text(value).replace("/", "-")[:10])
    except ValueError:
        row.errors.append((header, "日期格式应为 2026-01-31"))
        return None


def choice(row: Row, header: str, choices, required: bool = True):
    """A choice by its label (or its stored value); blank is allowed when not required."""
    value = text(row, header, required)
    if not value:
        return None
    by_label = {str(label): v for v, label in choices}
    if value in by_label:
        return by_label[value]
    if value in {v for v, _ in choices}:
        return value
    row.errors.append((header, f"应为：{'、'.join(by_label)}"))
    return None


def codes(row: Row, header: str, choices) -> list[str] | None:
    """Several labels separated by 、 or commas; None when one is unknown."""
    value = text(row, header)
    if not value:
        return []
    by_label = {str(label): v for v, label in choices}
    parts = [p.strip() for p in value.replace("，", "、").replace(",", "、").split("、") if p.strip()]
    unknown = [p for p in parts if p not in by_label]
    if unknown:
        row.errors.append((header, f"未知：{'、'.join(unknown)}；可选：{'、'.join(by_label)}"))
        return None
    return [by_label[p] for p in parts]


def yes(row: Row, header: str, default: bool = False) -> bool:
    value = raw_text(row.values.get(header))
    return default if not value else value in YES


def lookup(row: Row, header: str, table: dict, missing: str, required: bool = True):
    """A name looked up in `table` (what the actor may use); `missing` names the reason."""
    name = text(row, header, required)
    if name and name not in table:
        row.errors.append((header, missing.format(name=name)))
    return table.get(name)


def add_errors(row: Row, exc: ValidationError | PermissionDenied, labels: dict | None = None) -> None:
    """A service's refusal as the row's errors, by field label where the service named a field."""
    labels = labels or {}
    if isinstance(exc, PermissionDenied):
        row.errors.append(("", exc.message))
    elif hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            row.errors.extend((labels.get(name, "" if name == "__all__" else name), m) for m in messages)
    else:
        row.errors.extend(("", m) for m in exc.messages)


# --- applying --------------------------------------------------------------------------------

class _Undo(Exception):
    pass


def apply(report: Report, build: Callable, save: Callable, *, valid_only: bool = False,
          labels: dict | None = None) -> Report:
    """Build every row (collecting errors); then, if there are none or the user chose to skip bad
    rows, save the good ones in one transaction. A save the service refuses marks its row and,
    without `valid_only`, undoes everything, so a file goes in whole or not at all."""
    built = [(row, build(row)) for row in report.rows]
    if report.bad_rows and not valid_only:
        return report
    try:
        with transaction.atomic():
            for row, item in built:
                if row.errors:
                    continue
                try:
                    with transaction.atomic():
                        created = save(row, item)
                except (ValidationError, PermissionDenied) as exc:
                    add_errors(row, exc, labels)
                    continue
                report.created += bool(created)
                report.updated += not created
            if report.bad_rows and not valid_only:
                raise _Undo
    except _Undo:
        report.created = report.updated = 0
        return report
    report.applied = True
    return report


def template(columns: list[str], sample: list | None = None) -> bytes:
    """An empty import template: the headers (required ones marked *) and one example row."""
    book = exports.Book()
    sheet = book.sheet("导入模板", columns)
    if sample:
        sheet.append(sample)
    return book.content()


# --- the page --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    """One register a page imports: its tab, its importer and its template."""
    key: str
    label: str
    importer: Callable  # importer(actor, fileobj, valid_only=...) -> Report
    template: Callable[[], bytes]


def page(request, kinds: list[Kind], *, title: str = "导入", back: tuple[str, str] | None = None):
    """The import page of a module: tabs per register, the template download, the upload with
    "skip bad rows", the report with every error line, and an audit line per import."""
    from django.http import Http404
    from django.shortcuts import render

    from . import audit
    from .officialdoc import download_as

    by_key = {k.key: k for k in kinds}
    key = request.GET.get("kind") or request.POST.get("kind") or kinds[0].key
    kind = by_key.get(key)
    if kind is None:
        raise Http404
    if request.GET.get("template"):
        return download_as(kind.template(), f"{kind.label}导入模板.xlsx", exports.XLSX)
    report = problem = None
    if request.method == "POST":
        from django.conf import settings

        upload = request.FILES.get("file")
        if upload is None:
            problem = "请选择要导入的 .xlsx 文件"
        elif upload.size > settings.ANYING_MAX_UPLOAD_MB * 1024 * 1024:
            problem = f"文件过大（上限 {settings.ANYING_MAX_UPLOAD_MB} MB），请分批导入"
        else:
            try:
                report = kind.importer(request.user, upload, valid_only=request.POST.get("valid_only") == "1")
            except ImportFileError as exc:
                problem = str(exc)
            except PermissionDenied as exc:
                problem = exc.message
            else:
                audit.record(request.user, "import", None, summary=f"导入{kind.label}：{report.summary()}"[:255])
    return render(request, "core/import.html", {"kind": kind, "kinds": kinds, "report": report,
                                                "problem": problem, "title": title, "back": back})
