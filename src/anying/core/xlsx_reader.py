"""Reading an uploaded .xlsx in bounded time and memory (docs/decisions.md §24).

An .xlsx is a zip of XML files, and a few hundred kilobytes can inflate to gigabytes. Before
openpyxl touches an upload, `open_workbook` inspects the archive: it must be a zip with a small
central directory; the decompressed sizes declared there must stay within the limits (zipfile
never yields more than a member's declared size, so the declared size is a hard bound); no large
member may be compressed absurdly well; and the shared strings and worksheets are inflated once in
chunks to count the shared strings and to find any run of text longer than a cell can hold
(openpyxl keeps the whole shared-string table, and the text of one cell, in memory). `rows` then
streams the first sheet (openpyxl read-only mode) with limits on rows, cells per row and cell
length. Every refusal is an ImportFileError with a Chinese message; the limits are settings
(docs/operations.md).
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Iterator

from django.conf import settings

from .errors import ImportFileError

UNREADABLE = "无法读取文件：请上传 Excel .xlsx 文件（可先下载导入模板）。"
CHUNK = 256 * 1024  # inflate step; also the longest text run a chunk can hide (see _scan)
_SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")
# A row's number; the literal start keeps the search fast, the bounded gap keeps it linear.
_ROW_NUMBER = re.compile(rb'row\s[^>]{0,200}?\br="(\d+)"')
CARRY = 256  # bytes of one chunk searched again with the next, for matches across the boundary
_EOCD = b"PK\x05\x06"
MB = 1024 * 1024


def limit(name: str) -> int:
    return getattr(settings, f"ANYING_XLSX_{name}")


def last_row(max_rows: int) -> int:
    """The highest row number a sheet of `max_rows` rows (and a header) may use: blank rows are
    tolerated up to as many again, since openpyxl would spend time filling the gaps."""
    return 2 * (max_rows + 1)


def open_workbook(fileobj, *, max_rows: int):
    """The checked upload as an openpyxl read-only workbook (values, not formulas)."""
    from openpyxl import load_workbook

    _check_directory(fileobj)
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(UNREADABLE) from exc
    with archive:
        _check_members(archive, last_row(max_rows))
    fileobj.seek(0)
    return load_workbook(fileobj, read_only=True, data_only=True)


def rows(ws, *, max_rows: int) -> Iterator[tuple[int, tuple]]:
    """(row number, values) of every non-blank row of a sheet from `open_workbook`. Refused: more
    than `max_rows` rows after the header row, a row wider than ANYING_XLSX_MAX_COLUMNS, a cell
    longer than ANYING_XLSX_MAX_CELL_CHARS, and rows numbered past `last_row` (checked before
    too: openpyxl fills the gaps between rows with blank ones, which would cost time)."""
    max_columns, max_chars = limit("MAX_COLUMNS"), limit("MAX_CELL_CHARS")
    if (ws.max_column or 0) > max_columns:
        raise ImportFileError(f"列数过多：工作表最多 {max_columns} 列。")
    last = last_row(max_rows)
    # one column more than the sheet declares, so a cell beyond the declared width is seen
    width = min(ws.max_column or max_columns, max_columns) + 1
    filled = 0
    for number, values in enumerate(ws.iter_rows(max_col=width, max_row=last + 1, values_only=True), start=1):
        if number > last:
            raise ImportFileError(f"工作表超过 {last} 行（含空行），请删除多余的行或分批导入。")
        if values.count(None) == len(values):
            continue
        if values[-1] is not None and len(values) > max_columns:
            raise ImportFileError(f"第 {number} 行列数过多：工作表最多 {max_columns} 列。")
        for column, value in enumerate(values, start=1):
            if isinstance(value, str) and len(value) > max_chars:
                raise ImportFileError(f"第 {number} 行第 {column} 列的内容过长（单元格最多 {max_chars} 个字符）。")
        filled += 1
        if filled > max_rows + 1:
            raise ImportFileError(f"单个文件最多 {max_rows} 行，请分批导入。")
        yield number, values


def _check_directory(fileobj) -> None:
    """Refuse a zip whose central directory is large before zipfile loads it whole (a small upload
    can list hundreds of thousands of members)."""
    fileobj.seek(0, 2)
    size = fileobj.tell()
    fileobj.seek(max(0, size - 65_557))  # the end record and the longest possible comment
    tail = fileobj.read()
    fileobj.seek(0)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise ImportFileError(UNREADABLE)
    entries, directory_size = struct.unpack("<HI", tail[at + 10:at + 16])
    if entries > limit("MAX_MEMBERS") or directory_size > limit("MAX_MEMBERS") * 1024:
        raise ImportFileError("文件结构异常（压缩包内文件过多），无法导入。")


def _check_members(archive: zipfile.ZipFile, last: int) -> None:
    members = archive.infolist()
    if len(members) > limit("MAX_MEMBERS"):
        raise ImportFileError("文件结构异常（压缩包内文件过多），无法导入。")
    if sum(m.file_size for m in members) > limit("MAX_UNCOMPRESSED_MB") * MB:
        raise ImportFileError(f"文件解压后超过 {limit('MAX_UNCOMPRESSED_MB')} MB，无法导入；请分批导入。")
    for member in members:
        if member.file_size > MB and member.file_size > limit("MAX_RATIO") * max(member.compress_size, 1):
            raise ImportFileError("文件结构异常（压缩比异常，疑似压缩炸弹），无法导入。")
        name = member.filename.lower()
        if name.endswith("sharedstrings.xml"):
            cap = limit("MAX_SHARED_STRINGS_MB")
        elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
            cap = limit("MAX_SHEET_MB")
        else:
            cap = limit("MAX_PART_MB")  # styles, workbook, relationships: openpyxl reads each whole
        if member.file_size > cap * MB:
            raise ImportFileError(f"文件中的 {member.filename} 解压后超过 {cap} MB，无法导入；请分批导入。")
    for member in members:
        name = member.filename.lower()
        if name.endswith("sharedstrings.xml"):
            _scan(archive, member, count_strings=True)
        elif name.startswith("xl/worksheets/") and name.endswith(".xml") and _scan(archive, member) > last:
            raise ImportFileError(f"工作表超过 {last} 行（含空行），请删除多余的行或分批导入。")


def _scan(archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, count_strings: bool = False) -> int:
    """Inflate a member chunk by chunk: count its shared strings, find its highest row number
    (returned) and measure every run of text that spans chunks (a run inside one chunk is
    shorter than CHUNK, which is within the limit)."""
    max_run = max(limit("MAX_CELL_CHARS") * 10, CHUNK)  # bytes: a character written as &#x10FFFF; takes 10
    max_strings = limit("MAX_SHARED_STRINGS")
    strings = run = highest = 0
    carry = b""
    with archive.open(member) as stream:
        while chunk := stream.read(CHUNK):
            if count_strings:
                strings += len(_SHARED_STRING.findall(carry + chunk)) - len(_SHARED_STRING.findall(carry))
                if strings > max_strings:
                    raise ImportFileError(f"文件中的文字单元格过多（最多 {max_strings} 个不同的文字），请分批导入。")
            else:
                highest = max(highest, *map(int, _ROW_NUMBER.findall(carry + chunk)), 0)
            carry = chunk[-CARRY:]
            first = chunk.find(b"<")
            if first < 0:
                run += len(chunk)
            else:
                run += first
                if run > max_run:
                    break
                run = len(chunk) - chunk.rfind(b"<") - 1
            if run > max_run:
                break
    if run > max_run:
        raise ImportFileError(f"文件中有单元格内容过长（单元格最多 {limit('MAX_CELL_CHARS')} 个字符）。")
    return highest
