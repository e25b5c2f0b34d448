"""Building .xlsx files for import tests."""

import io
import random

from openpyxl import Workbook

from anying.registry import creditcode
from anying.registry.excel import COLUMNS

HEADERS = [c.header for c in COLUMNS]


def workbook(rows: list[dict], headers=HEADERS) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "enterprises.xlsx"
    return buffer


def rows(n: int, seed: int = 1, town: str = "旧县街道", industry: str = "机械") -> list[dict]:
    rng = random.Random(seed)
    return [{"统一社会信用代码": creditcode.synthetic(rng), "企业名称": f"导入测试企业{i:03d}", "所属镇街": town,
             "监管行业": industry, "规模": "规上", "从业人数": 10 + i, "风险标签": "粉尘涉爆、有限空间作业",
             "标准化状态": "未创建"} for i in range(n)]
