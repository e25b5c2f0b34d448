"""Excel import: warehouses and opening stock, row-level errors and nothing imported, then a good
file posts one receipt per warehouse."""

import io

from openpyxl import Workbook

from anying.supplies import checks, excel
from anying.supplies.models import StockBalance, StockDocument, Warehouse

from .conftest import days


def xlsx(header, rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "t.xlsx"
    return buf


def test_warehouse_import_with_row_errors_then_good(district, users, catalogue):
    header = excel.WAREHOUSE_COLUMNS
    bad = xlsx(header, [["旧县街道二号仓库", "旧县街道应急办", "镇街", "实物储备", "旧县街道", "旧县街道某路", 106.1, 29.8,
                         "王保管", "13800000000", "", "否"],
                        ["虎峰协议库", "虎峰镇应急办", "镇街", "协议储备", "虎峰镇", "", "", "", "", "", "", ""],
                        ["", "不存在的单位", "省级", "实物储备", "火星", "", "x", "", "", "", "", ""]])
    report = excel.import_warehouses(users["jiuxian"], bad)
    assert not report.applied and not Warehouse.objects.exists()
    lines = report.error_lines()
    assert "第 3 行 [管理单位] 不在您管理的区划范围内" in lines
    assert "第 3 行 [协议单位/代储企业] 协议储备和企业代储须填写" in lines
    assert any(line.startswith("第 4 行 [层级]") for line in lines) and "第 4 行 [经度] 应为数字" in lines
    good = xlsx(header, [["旧县街道二号仓库", "旧县街道应急办", "镇街", "实物储备", "旧县街道", "旧县街道某路", 106.1, 29.8,
                          "王保管", "13800000000", "", "否"]])
    report = excel.import_warehouses(users["jiuxian"], good)
    assert report.applied and report.done == 1
    wh = Warehouse.objects.get()
    assert wh.place.kind == "warehouse" and wh.place.latitude is not None


def test_opening_stock_import(stores, users, catalogue):
    header = excel.STOCK_COLUMNS
    bad = xlsx(header, [["旧县街道应急物资仓库", "FH-001", 500, "2025", "", ""],
                        ["虎峰镇应急物资仓库", "FH-001", 5, "", "", ""],
                        ["旧县街道应急物资仓库", "XX-999", -1, "", "2026-13-01", ""]])
    report = excel.import_stock(users["jiuxian"], bad)
    assert not report.applied and not StockDocument.objects.exists()
    lines = report.error_lines()
    assert "第 3 行 [仓库名称] 没有这个仓库，或不在您的范围内" in lines
    assert "第 4 行 [物资编码] 物资目录中没有这个编码" in lines and "第 4 行 [数量] 应大于 0" in lines
    assert "第 4 行 [生产日期] 日期格式应为 2026-01-31" in lines
    good = xlsx(header, [["旧县街道应急物资仓库", "FH-001", 500, "2025", "", ""],
                         ["旧县街道应急物资仓库", "SH-005", 40, "W", "", days(100)]])
    report = excel.import_stock(users["jiuxian"], good)
    assert report.applied and report.done == 2
    assert StockDocument.objects.filter(status="posted").count() == 1
    assert StockBalance.objects.filter(warehouse=stores["jiuxian"]).count() == 2
    assert checks.problems() == []


def test_the_import_page_refuses_a_bad_file_whole_then_takes_a_good_one(stores, users, login, catalogue):
    from django.urls import reverse

    from anying.core.models import AuditEvent

    client = login(users["jiuxian"])
    url = reverse("supplies:import")
    page = client.get(url).content.decode()
    assert "物资仓库" in page and "期初库存" in page and "下载物资仓库导入模板" in page
    template = client.get(url + "?kind=stock&template=1")
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = xlsx(excel.STOCK_COLUMNS, [["旧县街道应急物资仓库", "FH-001", 500, "", "", ""],
                                     ["旧县街道应急物资仓库", "FH-001", "许多", "", "", ""]])
    body = client.post(url, {"kind": "stock", "file": bad}).content.decode()
    assert "其中 1 行有错误，未导入任何数据" in body and "第 3 行 [数量] 应为数字" in body
    assert not StockDocument.objects.exists()
    skip = xlsx(excel.STOCK_COLUMNS, [["旧县街道应急物资仓库", "FH-001", 500, "", "", ""],
                                      ["旧县街道应急物资仓库", "FH-001", "许多", "", "", ""]])
    body = client.post(url, {"kind": "stock", "file": skip, "valid_only": "1"}).content.decode()
    assert "跳过有错误的 1 行" in body
    assert StockBalance.objects.get(warehouse=stores["jiuxian"]).quantity == 500
    assert AuditEvent.objects.filter(action="import", summary__startswith="导入期初库存").count() == 2
    body = client.post(url, {"kind": "stock", "file": io.BytesIO(b"not a workbook")}).content.decode()
    assert "无法读取文件" in body
    assert client.get(url + "?kind=nothing").status_code == 404


def test_an_exported_warehouse_list_imports_back(stores, users, login, catalogue):
    from django.urls import reverse

    client = login(users["yingji"])
    exported = client.get(reverse("supplies:warehouse_list") + "?level=district&format=xlsx")
    buf = io.BytesIO(b"".join(exported.streaming_content) if exported.streaming else exported.content)
    buf.name = "w.xlsx"
    report = excel.import_warehouses(users["yingji"], buf)
    assert report.applied and report.created == 0 and report.updated == 1 and Warehouse.objects.count() == 3


def test_the_import_page_is_for_keepers(stores, users, login):
    from django.urls import reverse

    assert login(users["leader"]).get(reverse("supplies:import")).status_code == 404  # approves, does not keep
