"""J1 import: the admin fills the downloaded template and imports it, fixing the rows it rejects."""

import io
import random

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from anying.registry import creditcode

from .helpers import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOWNS = ["旧县街道", "虎峰镇", "巴川街道", "安居镇"]
INDUSTRIES = ["机械", "轻工", "危险化学品", "工贸"]


def enterprise_rows(n: int) -> list[dict]:
    rng = random.Random(2026)
    return [{
        "统一社会信用代码": creditcode.synthetic(rng), "企业名称": f"铜梁导入企业{i + 1:02d}有限公司",
        "所属镇街": TOWNS[i % 4], "监管行业": INDUSTRIES[i % 4], "规模": "规上" if i % 3 == 0 else "规下",
        "从业人数": 20 + i, "经营状态": "在业", "地址": f"重庆市铜梁区工业园{i + 1}号",
        "联系人": "张三", "联系电话": "023-45600000", "风险标签": "粉尘涉爆、有限空间作业" if i % 2 else "",
        "经度": 106.05 + i / 1000, "纬度": 29.84, "标准化状态": "达标" if i % 5 == 0 else "未创建",
        "标准化等级": "三级" if i % 5 == 0 else "", "证书日期": "2025-03-01" if i % 5 == 0 else "",
    } for i in range(n)]


def fill_template(template: bytes, rows: list[dict]) -> bytes:
    """Writes rows under the template's own header row, as a clerk would."""
    wb = load_workbook(io.BytesIO(template))
    ws = wb.worksheets[0]
    headers = [cell.value.rstrip("*") for cell in ws[1]]
    for row in rows:
        ws.append([row.get(h) for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(page, content: bytes):
    page.set_input_files("#id_file", files=[{"name": "企业名录.xlsx", "mimeType": XLSX, "buffer": content}])
    page.get_by_role("button", name="检查并导入").click()
    return page.locator("#import-result")


def test_admin_imports_enterprises_from_template(page, district):
    log_in(page, "admin")
    page.get_by_role("link", name="生产经营单位").click()
    page.get_by_role("link", name="导入").click()
    expect(page.get_by_role("heading", name="从 Excel 导入生产经营单位")).to_be_visible()

    with page.expect_download() as info:
        page.locator("#template-link").click()
    download = info.value
    assert download.suggested_filename == "生产经营单位导入模板.xlsx"
    template = download.path().read_bytes()
    header = [c.value for c in load_workbook(io.BytesIO(template)).worksheets[0][1]]
    assert header[:4] == ["统一社会信用代码*", "企业名称*", "所属镇街*", "监管行业*"]
    assert "从业人数" in header

    # Rows 5 and 17 (sheet rows 6 and 18) have a mistyped credit code; row 30 a town that does not exist.
    rows = enterprise_rows(40)
    bad = [dict(r) for r in rows]
    for i in (4, 16):
        code = bad[i]["统一社会信用代码"]
        bad[i]["统一社会信用代码"] = code[:-1] + ("1" if code[-1] != "1" else "2")
    bad[29]["所属镇街"] = "桃花源镇"
    result = upload(page, fill_template(template, bad))
    expect(result).to_have_text("未导入：文件共 40 行，其中 3 行有错误，未导入任何数据。")
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(3)
    expect(errors.nth(0)).to_contain_text("第 6 行")
    expect(errors.nth(0)).to_contain_text("统一社会信用代码校验位错误")
    expect(errors.nth(1)).to_contain_text("第 18 行")
    expect(errors.nth(1)).to_contain_text("统一社会信用代码校验位错误")
    expect(errors.nth(2)).to_contain_text("第 31 行")
    expect(errors.nth(2)).to_contain_text("所属镇街")
    expect(errors.nth(2)).to_contain_text("镇街不存在或不在您的辖区内：桃花源镇")
    shoot(page, "j1-import-errors")

    good = fill_template(template, rows)
    expect(upload(page, good)).to_have_text("导入完成：新增 40 家，更新 0 家，无变化 0 家。")
    shoot(page, "j1-import-done")

    # The same file again changes nothing.
    expect(upload(page, good)).to_have_text("导入完成：新增 0 家，更新 0 家，无变化 40 家。")

    # Next year's headcounts: every enterprise is updated, none duplicated.
    for row in rows:
        row["从业人数"] += 5
    expect(upload(page, fill_template(template, rows))).to_have_text("导入完成：新增 0 家，更新 40 家，无变化 0 家。")

    page.get_by_role("link", name="生产经营单位").first.click()
    expect(page.get_by_text("共 40 条")).to_be_visible()
    page.get_by_role("link", name="铜梁导入企业07有限公司").click()
    expect(page.locator("dd", has_text="从业人数")).to_have_text("规上，从业人数 31")
