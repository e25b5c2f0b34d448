"""The export kit: every .xlsx the platform writes, and the text every .docx is given.

One writer, so every export keeps the same promises (docs/decisions.md §11):

- text is never a formula: a string cell is typed as a string; one that starts with = + - @,
  a tab or a carriage return is also marked with Excel's quote prefix (what typing an apostrophe
  first does), so editing the cell in Excel keeps it text. The value itself is not changed, so
  an exported register reads back unchanged on re-import;
- no character breaks the file: the control characters XML 1.0 refuses are removed, and the
  vertical tab and form feed that Word's Shift+Enter and page break paste become line breaks
  (`clean_text`, also used for every .docx by `officialdoc`);
- a title row above the header says what the sheet is, the filter in use and when it was
  exported (Asia/Shanghai); the header is frozen under it, filters are on, columns are sized to
  their content (bounded), the header repeats on printed pages;
- money and rates stay numbers that add up, shown as on screen: a column headed （元） gets the
  number format 50,000.00, one headed （%） 85.50% (the figure is in percent, as the rollups
  keep rates); `formats` sets others by header;
- sheets stream (openpyxl write-only): a 100,000-row register is written in bounded memory.
  Column widths are measured on the first rows, which are held back until then.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import models
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# XML 1.0 has no place for C0 controls other than tab, newline and carriage return, nor for
# U+FFFE/U+FFFF; lone surrogates cannot be encoded at all. openpyxl raises
# IllegalCharacterError on them and lxml (python-docx) ValueError.
_BREAKS = re.compile("[\x0b\x0c]")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# What a spreadsheet may read as the start of a formula (OWASP CSV injection list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXCEL_ROWS = 1_048_576
MAX_CELL_TEXT = 32_767  # Excel's limit; a longer cell makes Excel "repair" the file
SAMPLE_ROWS = 500  # rows measured for the column widths
MIN_WIDTH, MAX_WIDTH = 6, 50

TITLE_FONT = Font(bold=True, size=13)
HEADER_FONT = Font(bold=True)
HIGHLIGHT_FONT = Font(bold=True, color="C00000")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin")
GRID_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
GRID_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
MONEY = "#,##0.00"  # 50,000.00
PERCENT = "0.00%"  # a fraction: 0.15 → 15.00%
PERCENT_POINTS = '0.00"%"'  # a figure already in percent: 85.5 → 85.50%
HEADER_FORMATS = {"（元）": MONEY, "（%）": PERCENT_POINTS}


def number_format(header: str) -> str | None:
    """The number format a column's header asks for: （元） money, （%） a rate in percent."""
    return next((fmt for suffix, fmt in HEADER_FORMATS.items() if header.endswith(suffix)), None)


def clean_text(text: str) -> str:
    """Text that any XML document accepts: vertical tab and form feed become line breaks,
    other control characters (NUL included) are dropped."""
    if _ILLEGAL.search(text) is None:
        return text
    return _ILLEGAL.sub("", _BREAKS.sub("\n", text))


def clean_docx_text(value) -> str:
    """Any value as text for python-docx: cleaned, and with one line break per line (python-docx
    turns both characters of a Windows line end into a break)."""
    return clean_text(str(value)).replace("\r\n", "\n")


# --- describing the filter ---------------------------------------------------------------------

def describe(values: Mapping[str, object], fields: Mapping[str, tuple[str, object]], user=None) -> list[tuple[str, str]]:
    """The filters in use as (label, text) pairs for the title row, in the order of `fields`.

    `fields` maps a parameter to (label, how): `how` is None (the value as it is), a choices
    class or a dict (the value's label), or a model (the name of the record with that id).
    Empty values are left out; a true flag reads 是. With `user`, a record is named only if it is
    in the user's scope (an id typed into the link must not reveal another district's enterprise)."""
    pairs = []
    for name, (label, how) in fields.items():
        value = values.get(name)
        if value in (None, "", False, [], ()):
            continue
        pairs.append((label, _shown(value, how, user)))
    return pairs


def _shown(value, how, user=None) -> str:
    if value is True:
        return "是"
    if isinstance(how, type) and issubclass(how, models.Model):
        records = how._default_manager.all()
        if user is not None and hasattr(records, "visible_to"):
            records = records.visible_to(user)
        found = records.filter(pk=value).first()
        return str(found) if found is not None else str(value)
    if isinstance(how, type) and issubclass(how, models.Choices):
        return str(dict(how.choices).get(value, value))
    if isinstance(how, Mapping):
        return str(how.get(value, value))
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def heading(title: str, filters: list[tuple[str, str]] | None, at: dt.datetime) -> str:
    """The title row: what the sheet is, the filter (全部 when none is set; left out for a sheet
    that has no filter) and the export time in Asia/Shanghai."""
    parts = [title]
    if filters is not None:
        parts.append("筛选条件：" + ("；".join(f"{label}：{text}" for label, text in filters) or "全部"))
    parts.append(f"导出时间：{timezone.localtime(at):%Y-%m-%d %H:%M}")
    return "　".join(clean_text(p) for p in parts)


# --- cells --------------------------------------------------------------------------------------

def _text_width(text: str) -> int:
    return max((sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
                for line in text.split("\n")), default=0)


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, Cell):
        value = value.value
    if isinstance(value, dt.datetime):
        return 19
    if isinstance(value, dt.date):
        return 10
    return _text_width(value if isinstance(value, str) else str(value))


class Sheet:
    """One table on one sheet: title row, header, rows, and optionally notes below the table."""

    def __init__(self, ws, header: list[str], *, title: str | None, grid: bool, highlight: Iterable[str],
                 formats: Mapping[str, str] | None = None):
        self._ws = ws
        self.header = list(header)
        self._formats = {index: fmt for index, h in enumerate(self.header)
                         if (fmt := (formats or {}).get(h) or number_format(h))}
        self._title = title
        self._grid = grid
        self._highlight = set(highlight)
        self._held: list[list] | None = []  # rows kept back until the column widths are known
        self._widths = [_text_width(h) for h in self.header]
        self.count = 0
        self.left_out = 0  # rows past what a sheet can hold
        self._capacity = EXCEL_ROWS - self._header_row - 10  # room for the notes below
        self._notes: list[tuple[list, bool]] = []

    @property
    def _header_row(self) -> int:
        return 2 if self._title is not None else 1

    def cell(self, value, number_format: str | None = None):
        """A value as the cell it must be. Text is cleaned and typed as text; a value a
        spreadsheet could take for a formula gets the quote prefix as well; a number in a
        column with a number format (money, rates) keeps it."""
        if value is None:
            return None
        if number_format and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            cell = self._styled(value)
            cell.number_format = number_format
            return cell
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
        if not isinstance(value, bool | int | float | Decimal | dt.date | dt.time):
            value = clean_text(value if isinstance(value, str) else str(value))[:MAX_CELL_TEXT]
            if value.startswith(FORMULA_START) or value in ERROR_CODES:  # openpyxl would type these
                return self._styled(value)
        return self._styled(value) if self._grid else value

    def _styled(self, value) -> WriteOnlyCell:
        cell = WriteOnlyCell(self._ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # openpyxl reads a leading "=" as a formula; this is text
            cell.quotePrefix = value.startswith(FORMULA_START)
        if self._grid:
            cell.border, cell.alignment = GRID_BORDER, GRID_ALIGNMENT
        return cell

    def append(self, row: Iterable) -> None:
        if self.count >= self._capacity:
            self.left_out += 1
            return
        cells = [self.cell(v, self._formats.get(index)) for index, v in enumerate(row)]
        self.count += 1
        if self._held is None:
            self._ws.append(cells)
            return
        self._held.append(cells)
        for index, value in enumerate(cells[:len(self._widths)]):
            self._widths[index] = max(self._widths[index], _width(value))
        if len(self._held) >= SAMPLE_ROWS:
            self._start()

    def extend(self, rows: Iterable[Iterable]) -> int:
        for row in rows:
            self.append(row)
        return self.count

    def note(self, row: Iterable, *, gap: bool = True) -> None:
        """A line below the table, outside the filter range: a total (`gap=False`, right under
        the rows) or a legend (after an empty line)."""
        self._notes.append(([self.cell(v, self._formats.get(index)) for index, v in enumerate(row)], gap))

    def _start(self) -> None:
        """Now that the widths are known: the sheet's layout, title, header and the held rows."""
        ws, last = self._ws, get_column_letter(max(len(self.header), 1))
        for index, width in enumerate(self._widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
        header_row = self._header_row
        ws.freeze_panes = f"A{header_row + 1}"
        ws.print_title_rows = f"{header_row}:{header_row}"
        if self._title is not None:
            title = WriteOnlyCell(ws, value=self._title)
            title.font, title.data_type, title.quotePrefix = TITLE_FONT, "s", self._title.startswith(FORMULA_START)
            ws.append([title])
            if len(self.header) > 1:
                ws.merged_cells.add(CellRange(f"A1:{last}1"))
        ws.append([self._header_cell(h) for h in self.header])
        for cells in self._held:
            ws.append(cells)
        self._held = None

    def _header_cell(self, text: str) -> WriteOnlyCell:
        cell = self._styled(clean_text(text))
        cell.font = HIGHLIGHT_FONT if text in self._highlight else HEADER_FONT
        cell.fill = HEADER_FILL
        if self._grid:
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        return cell

    def close(self) -> None:
        if self._held is not None:
            self._start()
        last = get_column_letter(max(len(self.header), 1))
        self._ws.auto_filter.ref = f"A{self._header_row}:{last}{self._header_row + self.count}"
        if self.left_out:
            self.note([f"超出 Excel 的行数上限，另有 {self.left_out} 行未导出，请缩小筛选范围后分批导出。"])
        gapped = False
        for cells, gap in self._notes:
            if gap and not gapped:
                self._ws.append([])
                gapped = True
            self._ws.append(cells)


class Book:
    """An .xlsx being written: add sheets, fill them, then `content()` or `save(target)`."""

    def __init__(self, at: dt.datetime | None = None):
        self._wb = Workbook(write_only=True)
        self._sheets: list[Sheet] = []
        self.at = at or timezone.now()

    def sheet(self, name: str, header: list[str], *, title: str | None = None,
              filters: list[tuple[str, str]] | None = None, grid: bool = False, highlight: Iterable[str] = (),
              formats: Mapping[str, str] | None = None) -> Sheet:
        """A new sheet. `title` names what it holds (the title row adds the filter and the time);
        `filters` are `describe` pairs, or None for a sheet that has no filter. Without a title
        the header is the first row (the import template, a form to fill in). `grid` draws the
        borders and wraps text, for short tables that are printed; `highlight` marks header
        cells (required columns of a template); `formats` gives number formats by header, beyond
        the （元） and （%） columns that get theirs anyway."""
        ws = self._wb.create_sheet(_sheet_name(name, len(self._sheets)))
        sheet = Sheet(ws, header, title=heading(title, filters, self.at) if title is not None else None,
                      grid=grid, highlight=highlight, formats=formats)
        self._sheets.append(sheet)
        return sheet

    def save(self, target) -> None:
        for sheet in self._sheets:
            sheet.close()
        self._wb.save(target)

    def content(self) -> bytes:
        buffer = io.BytesIO()
        self.save(buffer)
        return buffer.getvalue()


_SHEET_NAME_ILLEGAL = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, index: int) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    name = _SHEET_NAME_ILLEGAL.sub("_", clean_text(name)).strip("'")[:31]
    return name or f"Sheet{index + 1}"


def skip_title(rows: Iterable[tuple]) -> tuple[tuple | None, int]:
    """The header of a sheet read back, and its row number: a sheet this kit wrote starts with
    its title row (one text cell), a sheet typed by hand with the header."""
    rows = iter(rows)
    first = next(rows, None)
    if is_title_row(first):
        return next(rows, None), 2
    return first, 1


def is_title_row(values: tuple | None) -> bool:
    """The title row this kit writes above a header: one text cell, in the first column."""
    return values is not None and sum(1 for v in values if v is not None and str(v).strip()) == 1 \
        and values[0] is not None and bool(str(values[0]).strip())


# --- answering ---------------------------------------------------------------------------------

def response(request, book: Book, filename: str, *, summary: str, obj: models.Model | None = None,
             filters: Mapping | None = None):
    """The workbook as a download, with the `export` audit event every export leaves: who, what
    (`summary`, usually with the number of rows), on which record, with which filter."""
    from . import audit
    from .models import AuditEvent
    from .officialdoc import download_as

    content = book.content()
    after = None
    if filters is not None:
        after = {"filter": {k: v if isinstance(v, bool | int | str) else str(v) for k, v in filters.items() if v}}
    audit.record(request.user, AuditEvent.Action.EXPORT, obj, summary=summary, after=after)
    return download_as(content, filename, XLSX)


def stamp(name: str, extension: str = "xlsx") -> str:
    """A download's file name with today's date: 隐患台账_20261206.xlsx."""
    return f"{name}_{timezone.localdate():%Y%m%d}.{extension}"
