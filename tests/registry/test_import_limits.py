"""Uploaded .xlsx files that would cost the server time or memory are refused quickly and in
bounded memory (core/xlsx_reader.py); cell text goes through the input policy."""

import io
import time
import tracemalloc
import zipfile

import pytest

from anying.core.errors import ImportFileError
from anying.registry import excel
from anying.registry.excel import import_enterprises
from anying.registry.models import Enterprise

from .xlsx import rows, workbook

MB = 1024 * 1024


def _rewrite(good: io.BytesIO, members: dict) -> io.BytesIO:
    """The workbook with members replaced or added: name → bytes, or a callable writing to a
    stream (so a member of hundreds of megabytes is never held in the test's memory either)."""
    out = io.BytesIO()
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename not in members:
                dst.writestr(item, src.read(item.filename))
        for name, content in members.items():
            if callable(content):
                with dst.open(name, "w", force_zip64=True) as stream:
                    content(stream)
            else:
                dst.writestr(name, content)
    out.seek(0)
    return out


def _huge_shared_string(stream, size=200 * MB):
    stream.write(b'<?xml version="1.0" encoding="UTF-8"?>'
                 b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
                 b"<si><t>")
    block = b"A" * MB
    for _ in range(size // MB):
        stream.write(block)
    stream.write(b"</t></si></sst>")


def _refused_quickly(fileobj, users, match: str):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ImportFileError, match=match):
            import_enterprises(users["admin"], fileobj)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 1.0, f"took {elapsed:.2f} s"
    assert peak < 50 * MB, f"peak {peak / MB:.0f} MB"
    assert not Enterprise.objects.exists()


SHARED_STRINGS = "xl/sharedStrings.xml"  # openpyxl writes inline strings; Excel writes this table


@pytest.fixture
def good():
    return workbook(rows(2))


def test_one_huge_shared_string_is_refused_within_a_second_in_bounded_memory(users, good):
    bomb = _rewrite(good, {SHARED_STRINGS: _huge_shared_string})
    assert len(bomb.getvalue()) < 1 * MB  # a few hundred kilobytes that inflate to 200 MB
    _refused_quickly(bomb, users, "压缩比异常|超过")


def test_the_huge_string_is_found_by_scanning_when_sizes_and_ratio_are_allowed(users, good, settings):
    settings.ANYING_XLSX_MAX_RATIO = 10**9
    settings.ANYING_XLSX_MAX_SHARED_STRINGS_MB = 10**6
    settings.ANYING_XLSX_MAX_UNCOMPRESSED_MB = 10**6
    bomb = _rewrite(good, {SHARED_STRINGS: lambda s: _huge_shared_string(s, 100 * MB)})
    _refused_quickly(bomb, users, "内容过长")


def test_a_huge_inline_cell_in_the_sheet_is_refused(users, good, settings):
    settings.ANYING_XLSX_MAX_RATIO = 10**9

    def sheet(stream):
        stream.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                     b'<row r="1"><c r="A1" t="inlineStr"><is><t>')
        for _ in range(100):
            stream.write(b"B" * MB)
        stream.write(b"</t></is></c></row></sheetData></worksheet>")

    _refused_quickly(_rewrite(good, {"xl/worksheets/sheet1.xml": sheet}), users, "内容过长|超过")


def test_a_zip_listing_many_members_is_refused_before_it_is_loaded(users, good):
    _refused_quickly(_rewrite(good, {f"junk/{n}.xml": b"" for n in range(5000)}), users, "文件过多")


def test_rows_far_below_the_data_are_refused_without_reading_the_gap(users, good):
    with zipfile.ZipFile(good) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    far = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>y</t></is></c></row></sheetData>'
    sheet = sheet.replace(b"</sheetData>", far).replace(b'<dimension ref="A1:W3"/>', b"")
    _refused_quickly(_rewrite(good, {"xl/worksheets/sheet1.xml": sheet}), users, "超过 .* 行")


def test_too_many_shared_strings_are_refused(users, good, settings):
    settings.ANYING_XLSX_MAX_SHARED_STRINGS = 1000
    table = b"<sst>" + b"".join(b"<si><t>%d</t></si>" % n for n in range(1001)) + b"</sst>"
    with pytest.raises(ImportFileError, match="文字单元格过多"):
        import_enterprises(users["admin"], _rewrite(good, {SHARED_STRINGS: table}))
    table = b"<sst>" + b"".join(b"<si><t>%d</t></si>" % n for n in range(1000)) + b"</sst>"
    assert import_enterprises(users["admin"], _rewrite(good, {SHARED_STRINGS: table})).applied


def test_too_wide_a_sheet_is_refused(users, settings):
    settings.ANYING_XLSX_MAX_COLUMNS = 30
    with pytest.raises(ImportFileError, match="列数过多"):
        import_enterprises(users["admin"], workbook(rows(1), headers=[*workbook.__defaults__[0], *["x"] * 20]))


def test_a_cell_longer_than_excel_allows_is_refused(users, settings):
    settings.ANYING_XLSX_MAX_CELL_CHARS = 1000
    data = rows(1)
    data[0]["地址"] = "很长的地址" * 300
    with pytest.raises(ImportFileError, match="第 2 行第 8 列的内容过长"):
        import_enterprises(users["admin"], workbook(data))


def test_the_row_limit_still_holds(users, monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS", 3)
    with pytest.raises(ImportFileError, match="单个文件最多 3 行"):
        import_enterprises(users["admin"], workbook(rows(4)))
    assert import_enterprises(users["admin"], workbook(rows(3))).applied


def test_a_file_that_is_not_a_zip_is_unreadable(users):
    with pytest.raises(ImportFileError, match="无法读取文件"):
        import_enterprises(users["admin"], io.BytesIO(b"name,code\n" * 100))


def test_cells_go_through_the_input_policy(users):
    data = rows(2)
    data[0]["企业名称"] = "旧县\u2028机械厂"  # a line separator: normalised, the name is one line
    data[1]["地址"] = "旧县\x7f大道 1 号"  # DEL: refused, with the column named
    report = import_enterprises(users["admin"], workbook(data))
    assert not report.applied
    assert report.error_lines() == ["第 3 行 [地址] 含有不可见的控制字符（如 NUL），请删除后重新提交"]
    del data[1]["地址"]
    assert import_enterprises(users["admin"], workbook(data)).applied
    assert Enterprise.objects.filter(name="旧县 机械厂").exists()
