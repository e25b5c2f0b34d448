"""The shared .xlsx import kit (core/imports.py): reading against the columns, cell parsing with
every error by row and column, and all-or-nothing saving unless bad rows are skipped."""

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from anying.core import imports
from anying.core.errors import ImportFileError
from anying.core.models import Region

COLUMNS = ["名称*", "人数", "日期", "类别"]
KINDS = [("a", "甲类"), ("b", "乙类")]


def book(*rows) -> io.BytesIO:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def test_reading_names_the_missing_and_unknown_columns():
    with pytest.raises(ImportFileError, match="缺少必填列：名称"):
        imports.read(book(["人数"], [1]), COLUMNS)
    with pytest.raises(ImportFileError, match="无法识别的列：颜色"):
        imports.read(book(["名称", "颜色"], ["x", "红"]), COLUMNS)
    with pytest.raises(ImportFileError, match="文件中没有数据行"):
        imports.read(book(["名称*", "人数"], [None, None]), COLUMNS)
    with pytest.raises(ImportFileError, match="无法读取文件"):
        imports.read(io.BytesIO(b"PK\x03\x04 broken"), COLUMNS)
    rows = imports.read(book(["名称*", "人数", "备注数"], ["甲", 3, 9]), COLUMNS, ignored=["备注数"])
    assert [(r.row, r.values["名称"]) for r in rows] == [(2, "甲")]


def test_cells_record_their_own_errors():
    row = imports.Row(7, {"名称": "", "人数": "-1", "日期": "2026-13-01", "类别": "丙类", "数": "1e20"})
    assert imports.text(row, "名称", True) == ""
    assert imports.integer(row, "人数") == 0
    assert imports.date(row, "日期") is None
    assert imports.choice(row, "类别", KINDS) is None
    assert imports.decimal(row, "数") is None
    assert row.errors == [("名称", "必填"), ("人数", "应为 0～1000000 的整数"), ("日期", "日期格式应为 2026-01-31"),
                          ("类别", "应为：甲类、乙类"), ("数", "数值超出范围")]
    ok = imports.Row(2, {"类别": "乙类", "多": "甲类、乙类", "是否": "是"})
    assert imports.choice(ok, "类别", KINDS) == "b" and imports.codes(ok, "多", KINDS) == ["a", "b"]
    assert imports.yes(ok, "是否") and imports.yes(ok, "缺", default=True) and not ok.errors


@pytest.mark.django_db
def test_a_file_goes_in_whole_or_not_at_all_unless_bad_rows_are_skipped():
    def build(row):
        return imports.text(row, "名称", True)

    def save(row, name):
        if name == "拒绝":
            raise ValidationError({"name": "服务拒绝"})
        Region.objects.create(name=name, code=f"T{row.row:04d}", level=Region.Level.VILLAGE)
        return True

    def report():
        rows = [imports.Row(2, {"名称": "一村"}), imports.Row(3, {"名称": "拒绝"}), imports.Row(4, {"名称": "二村"})]
        return imports.Report("村", rows)

    before = Region.objects.count()
    refused = imports.apply(report(), build, save, labels={"name": "名称"})
    assert not refused.applied and refused.created == 0 and Region.objects.count() == before
    assert refused.error_lines() == ["第 3 行 [名称] 服务拒绝"]
    skipped = imports.apply(report(), build, save, valid_only=True, labels={"name": "名称"})
    assert skipped.applied and skipped.created == 2 and Region.objects.count() == before + 2
    assert skipped.summary() == "村：新增 2 条，更新 0 条，跳过有错误的 1 行。"
